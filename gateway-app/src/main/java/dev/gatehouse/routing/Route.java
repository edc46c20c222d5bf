package dev.gatehouse.routing;

import java.net.URI;
import java.util.List;

import dev.gatehouse.rules.RoutePolicy;
import dev.gatehouse.token.TrustedIssuer;

/**
 * A compiled route: where its requests go, whose tokens it trusts, what it demands of them, and
 * how it describes itself to clients (RFC 9728).
 *
 * @param id the route's configured name, used in logs and metric tags
 * @param path the public path, e.g. {@code /mcp/jira}
 * @param upstream the backend MCP endpoint
 * @param resource {@code public-url} + {@code path}: the RFC 9728 {@code resource} and RFC 8707
 * resource indicator
 * @param resourceMetadataUrl where this route's protected resource metadata is published
 * @param issuers the issuers whose tokens are accepted
 * @param policy the route's audience, client, scope and claim demands
 * @param resourceName the human-readable {@code resource_name}, or {@code null}
 */
public record Route(String id, String path, URI upstream, String resource, String resourceMetadataUrl,
		List<TrustedIssuer> issuers, RoutePolicy policy, String resourceName) {

	/** The well-known prefix of RFC 9728 §3.1. */
	public static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

	public Route {
		issuers = List.copyOf(issuers);
	}

	/** The scopes for the 401 challenge and {@code scopes_supported}, space-separated; empty if none. */
	public String scope() {
		return String.join(" ", this.policy.scopesSupported());
	}

}
