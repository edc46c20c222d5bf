package dev.gatehouse.routing;

import java.util.List;

import dev.gatehouse.rules.RoutePolicy;
import dev.gatehouse.token.TrustedIssuer;

/**
 * A compiled route: where its requests go, whose tokens it trusts, what it demands of them, and
 * how it describes itself to clients (RFC 9728).
 *
 * @param id the route's configured name, used in logs and metric tags
 * @param path the public path, e.g. {@code /mcp/jira}
 * @param upstreams the backend MCP endpoint instances, and which one serves a request
 * @param resource {@code public-url} + {@code path}: the RFC 9728 {@code resource} and RFC 8707
 * resource indicator
 * @param resourceMetadataUrl where this route's protected resource metadata is published
 * @param issuers the issuers whose tokens are accepted
 * @param policy the route's audience, client, scope and claim demands
 * @param resourceName the human-readable {@code resource_name}, or {@code null}
 * @param scope the scopes for the 401 challenge, space-separated; empty if none
 */
public record Route(String id, String path, Upstreams upstreams, String resource, String resourceMetadataUrl,
		List<TrustedIssuer> issuers, RoutePolicy policy, String resourceName, String scope) {

	/** The well-known prefix of RFC 9728 §3.1. */
	public static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

	public Route {
		issuers = List.copyOf(issuers);
	}

	public Route(String id, String path, Upstreams upstreams, String resource, String resourceMetadataUrl,
			List<TrustedIssuer> issuers, RoutePolicy policy, String resourceName) {
		this(id, path, upstreams, resource, resourceMetadataUrl, issuers, policy, resourceName,
				String.join(" ", policy.scopesSupported()));
	}

}
