package dev.gatehouse.config;

import java.net.URI;
import java.util.List;

/**
 * One protected MCP endpoint. Tokens must be bound to the route by at least one of audience,
 * client or claim rule.
 *
 * @param path the public path, e.g. {@code /mcp/jira}; requests to it and below it (segment-wise)
 * are routed. Its metadata is at {@code /.well-known/oauth-protected-resource<path>}. Required.
 * @param upstream the backend MCP endpoint, path included; a request below {@code path} is sent
 * below it. This or {@code upstreams} is required.
 * @param upstreams several instances of the backend, for backends that keep MCP sessions in
 * memory: new sessions are spread over them in turn, and every request of a session goes to the
 * instance that created it (see {@code dev.gatehouse.routing.Upstreams}).
 * @param issuers names of the issuers whose tokens this route accepts. At least one.
 * @param allowedAudiences the token's {@code aud} must contain one of these. Default: the route's
 * resource URL ({@code public-url} + {@code path}, RFC 8707); an explicit empty list turns the
 * audience check off (for IdPs such as Cognito whose access tokens carry no {@code aud}).
 * @param allowedClients the token's client id must be one of these. Default: any client.
 * @param allowedScopes at least one must be granted. Default: no check.
 * @param requiredScopes all must be granted. Default: no check.
 * @param claims rules that must all hold. Default: none.
 * @param resourceName a human-readable name published as {@code resource_name}. Default: none.
 */
public record RouteProperties(String path, URI upstream, List<URI> upstreams, List<String> issuers, List<String> allowedAudiences,
		List<String> allowedClients, List<String> allowedScopes, List<String> requiredScopes,
		List<ClaimRuleProperties> claims, String resourceName) {

	public RouteProperties {
		upstreams = (upstreams != null) ? upstreams : List.of();
		issuers = (issuers != null) ? issuers : List.of();
		allowedClients = (allowedClients != null) ? allowedClients : List.of();
		allowedScopes = (allowedScopes != null) ? allowedScopes : List.of();
		requiredScopes = (requiredScopes != null) ? requiredScopes : List.of();
		claims = (claims != null) ? claims : List.of();
		// allowedAudiences stays null when unset: null means "the resource URL", empty means "no check"
	}

	/**
	 * A custom claim rule; exactly one operator is set. Comparison is exact: no case folding, no
	 * Unicode normalisation; a claim of the wrong type fails the rule.
	 *
	 * @param claim the claim name.
	 * @param equals the string claim must equal this value.
	 * @param contains the array claim must contain this value.
	 * @param containsAny the array claim must contain at least one of these values.
	 */
	public record ClaimRuleProperties(String claim, String equals, String contains, List<String> containsAny) {
	}

}
