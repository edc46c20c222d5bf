package dev.gatehouse.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.gatehouse.config.IssuerProperties.JwksProperties;
import dev.gatehouse.config.RouteProperties.ClaimRuleProperties;
import dev.gatehouse.routing.Upstreams;
import dev.gatehouse.token.TrustedIssuer;

/**
 * Checks the configuration as a whole and returns every problem with its property path. Rules that
 * span several properties (issuer references, overlapping paths, a route whose tokens are not
 * bound to it) live here, next to the single-property ones.
 */
final class GatehouseConfigurationValidator {

	static final Set<String> SUPPORTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
			"ES256", "ES384", "ES512");

	private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

	private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

	private static final Duration MAX_SKEW = Duration.ofMinutes(5);

	private final List<ConfigurationProblem> problems = new ArrayList<>();

	static List<ConfigurationProblem> validate(GatehouseProperties properties) {
		GatehouseConfigurationValidator validator = new GatehouseConfigurationValidator();
		validator.check(properties);
		return validator.problems;
	}

	private void check(GatehouseProperties properties) {
		checkPublicUrl(properties.publicUrl());
		if (properties.issuers().isEmpty()) {
			problem("gatehouse.issuers", "at least one issuer is required");
		}
		properties.issuers().forEach((name, issuer) -> checkIssuer("gatehouse.issuers." + name, name, issuer));
		if (properties.routes().isEmpty()) {
			problem("gatehouse.routes", "at least one route is required");
		}
		Map<String, String> pathOwners = new LinkedHashMap<>();
		properties.routes().forEach((name, route) -> {
			String prefix = "gatehouse.routes." + name;
			checkName(prefix, name);
			checkRoute(prefix, route, properties.issuers().keySet());
			checkPathOverlap(prefix, route.path(), pathOwners);
		});
		for (int i = 0; i < properties.allowedOrigins().size(); i++) {
			checkOrigin("gatehouse.allowed-origins[" + i + "]", properties.allowedOrigins().get(i));
		}
		for (int i = 0; i < properties.allowedHosts().size(); i++) {
			checkHost("gatehouse.allowed-hosts[" + i + "]", properties.allowedHosts().get(i));
		}
		checkPositive("gatehouse.upstream.connect-timeout", properties.upstream().connectTimeout());
		checkPositive("gatehouse.upstream.response-timeout", properties.upstream().responseTimeout());
		checkPositive("gatehouse.upstream.sse-heartbeat", properties.upstream().sseHeartbeat());
		if (properties.upstream().maxRequestBody().toBytes() <= 0) {
			problem("gatehouse.upstream.max-request-body", "must be a positive size, e.g. 4MB");
		}
		checkPositive("gatehouse.reload.poll-interval", properties.reload().pollInterval());
		String root = properties.rootMetadataRoute();
		if (root != null && !properties.routes().containsKey(root)) {
			problem("gatehouse.root-metadata-route",
					"unknown route '" + root + "'; known routes: " + properties.routes().keySet());
		}
	}

	private void checkPublicUrl(URI url) {
		String property = "gatehouse.public-url";
		if (url == null) {
			problem(property, "is required: the origin MCP clients use, e.g. https://mcp.example.com");
		}
		else if (checkHttpUrl(property, url)
				&& ((url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/"))
						|| url.getRawQuery() != null || url.getRawFragment() != null)) {
			problem(property, "must be an origin (scheme, host, optional port) with no path, query or fragment");
		}
		else if (url.getHost() != null && (!url.getHost().equals(url.getHost().toLowerCase(java.util.Locale.ROOT))
				|| url.getPort() == 443 && "https".equals(url.getScheme()) || url.getPort() == 80 && "http".equals(url.getScheme())
				|| !url.getScheme().equals(url.getScheme().toLowerCase(java.util.Locale.ROOT)))) {
			// clients compare resource URLs as strings (RFC 9728 §3.3): write it as they will
			problem(property, "must be written as clients send it: lowercase scheme and host, no default port");
		}
	}

	private void checkIssuer(String prefix, String name, IssuerProperties issuer) {
		checkName(prefix, name);
		if (issuer.discoveryUrl() != null) {
			if (checkHttpUrl(prefix + ".discovery-url", issuer.discoveryUrl()) && issuer.issuer() == null
					&& TrustedIssuer.impliedIssuer(issuer.discoveryUrl()) == null) {
				problem(prefix + ".issuer", "is required when discovery-url does not end with "
						+ "/.well-known/openid-configuration or start with /.well-known/oauth-authorization-server");
			}
			if (issuer.jwksUri() != null) {
				problem(prefix + ".jwks-uri", "give either discovery-url, or issuer with jwks-uri, not both");
			}
		}
		else if (issuer.issuer() == null || issuer.jwksUri() == null) {
			problem(prefix, "needs discovery-url, or issuer together with jwks-uri");
		}
		if (issuer.issuer() != null) {
			checkHttpUrl(prefix + ".issuer", issuer.issuer());
		}
		if (issuer.jwksUri() != null) {
			checkHttpUrl(prefix + ".jwks-uri", issuer.jwksUri());
		}
		if (issuer.algorithms().isEmpty()) {
			problem(prefix + ".algorithms", "must list at least one algorithm");
		}
		for (int i = 0; i < issuer.algorithms().size(); i++) {
			String alg = issuer.algorithms().get(i);
			if (!SUPPORTED_ALGORITHMS.contains(alg)) {
				problem(prefix + ".algorithms[" + i + "]", "'" + alg + "' is not allowed; supported: RS256, RS384, "
						+ "RS512, PS256, PS384, PS512, ES256, ES384, ES512 ('none' and HMAC are never accepted)");
			}
		}
		if (issuer.clockSkew().isNegative() || issuer.clockSkew().compareTo(MAX_SKEW) > 0) {
			problem(prefix + ".clock-skew", "must be between 0s and 5m");
		}
		checkClaimNames(prefix + ".client-id-claims", issuer.clientIdClaims());
		checkClaimNames(prefix + ".scope-claims", issuer.scopeClaims());
		checkJwks(prefix + ".jwks", issuer.jwks());
	}

	private void checkJwks(String prefix, JwksProperties jwks) {
		checkPositive(prefix + ".cache-ttl", jwks.cacheTtl());
		checkPositive(prefix + ".min-refresh-interval", jwks.minRefreshInterval());
		checkPositive(prefix + ".outage-tolerance", jwks.outageTolerance());
		if (jwks.minRefreshInterval().compareTo(jwks.cacheTtl()) >= 0) {
			problem(prefix + ".min-refresh-interval", "must be shorter than cache-ttl");
		}
	}

	private void checkRoute(String prefix, RouteProperties route, Set<String> issuerNames) {
		if (route.path() == null) {
			problem(prefix + ".path", "is required, e.g. /mcp/jira");
		}
		else if (!PATH.matcher(route.path()).matches() || route.path().startsWith("/.well-known")
				|| route.path().contains("/../") || route.path().endsWith("/..")
				|| route.path().contains("/./") || route.path().endsWith("/.")) {
			problem(prefix + ".path", "must be an absolute path of plain segments (letters, digits, '-', '.', '_', "
					+ "'~'), no trailing slash, not under /.well-known, e.g. /mcp/jira");
		}
		checkUpstreams(prefix, route);
		if (route.issuers().isEmpty()) {
			problem(prefix + ".issuers", "must name at least one issuer; known issuers: " + issuerNames);
		}
		for (int i = 0; i < route.issuers().size(); i++) {
			if (!issuerNames.contains(route.issuers().get(i))) {
				problem(prefix + ".issuers[" + i + "]",
						"unknown issuer '" + route.issuers().get(i) + "'; known issuers: " + issuerNames);
			}
		}
		if (route.allowedAudiences() != null) {
			checkValues(prefix + ".allowed-audiences", route.allowedAudiences());
		}
		checkValues(prefix + ".allowed-clients", route.allowedClients());
		checkScopes(prefix + ".allowed-scopes", route.allowedScopes());
		checkScopes(prefix + ".required-scopes", route.requiredScopes());
		for (int i = 0; i < route.claims().size(); i++) {
			checkClaimRule(prefix + ".claims[" + i + "]", route.claims().get(i));
		}
		boolean audienceChecked = route.allowedAudiences() == null || !route.allowedAudiences().isEmpty();
		if (!audienceChecked && route.allowedClients().isEmpty() && route.claims().isEmpty()) {
			problem(prefix, "tokens would not be bound to this route: with allowed-audiences empty, set "
					+ "allowed-clients or a claim rule");
		}
	}

	private void checkUpstreams(String prefix, RouteProperties route) {
		if (route.upstream() != null && !route.upstreams().isEmpty()) {
			problem(prefix + ".upstreams", "set either upstream (one backend) or upstreams (several instances), not both");
		}
		else if (route.upstream() == null && route.upstreams().isEmpty()) {
			problem(prefix + ".upstream", "is required: the backend MCP endpoint, e.g. http://jira-mcp:8080/mcp "
					+ "(or upstreams: a list of its instances)");
		}
		else if (route.upstream() != null) {
			checkUpstream(prefix + ".upstream", route.upstream());
		}
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < route.upstreams().size(); i++) {
			URI instance = route.upstreams().get(i);
			String property = prefix + ".upstreams[" + i + "]";
			if (instance == null) {
				problem(property, "must be an absolute http(s) URL with a host and no user info");
			}
			else if (checkUpstream(property, instance) && !seen.add(Upstreams.canonical(instance))) {
				problem(property, "duplicates another instance (" + instance + ")");
			}
		}
	}

	private boolean checkUpstream(String property, URI upstream) {
		if (!checkHttpUrl(property, upstream)) {
			return false;
		}
		if (upstream.getRawQuery() != null || upstream.getRawFragment() != null) {
			problem(property, "must not have a query or fragment");
			return false;
		}
		return true;
	}

	private void checkPathOverlap(String prefix, String path, Map<String, String> pathOwners) {
		if (path == null) {
			return;
		}
		pathOwners.forEach((otherPath, otherProperty) -> {
			if (otherPath.equals(path)) {
				problem(prefix + ".path", "duplicates " + otherProperty + " (" + path + ")");
			}
			else if (path.startsWith(otherPath + "/") || otherPath.startsWith(path + "/")) {
				problem(prefix + ".path", "overlaps " + otherProperty + " (" + otherPath + "); one route's path may "
						+ "not lie below another's");
			}
		});
		pathOwners.putIfAbsent(path, prefix + ".path");
	}

	private void checkClaimRule(String prefix, ClaimRuleProperties rule) {
		if (rule.claim() == null || rule.claim().isBlank()) {
			problem(prefix + ".claim", "is required: the name of the claim to check");
		}
		int operators = ((rule.equals() != null) ? 1 : 0) + ((rule.contains() != null) ? 1 : 0)
				+ ((rule.containsAny() != null) ? 1 : 0);
		if (operators != 1) {
			problem(prefix, "needs exactly one of equals, contains, contains-any");
		}
		if (rule.equals() != null && rule.equals().isEmpty()) {
			problem(prefix + ".equals", "must not be empty");
		}
		if (rule.contains() != null && rule.contains().isEmpty()) {
			problem(prefix + ".contains", "must not be empty");
		}
		if (rule.containsAny() != null) {
			if (rule.containsAny().isEmpty()) {
				problem(prefix + ".contains-any", "must list at least one value");
			}
			checkValues(prefix + ".contains-any", rule.containsAny());
		}
	}

	private void checkOrigin(String property, String origin) {
		URI uri = parse(origin);
		if (uri == null || !isHttp(uri) || uri.getRawPath() == null || !uri.getRawPath().isEmpty()
				|| uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
			problem(property, "must be an origin such as https://app.example.com (no path, no trailing slash)");
		}
	}

	private void checkHost(String property, String host) {
		java.util.regex.Matcher matcher = (host != null) ? GatehouseProperties.HOST.matcher(host) : null;
		boolean valid = "*".equals(host) || matcher != null && matcher.matches()
				&& (matcher.group(2) == null || Integer.parseInt(matcher.group(2)) <= 65_535);
		if (!valid) {
			problem(property, "must be a host name or IP, optionally with :port (e.g. mcp.example.com, "
					+ "gatehouse.mcp.svc:8080), or * for any; no scheme or path");
		}
	}

	private void checkName(String property, String name) {
		if (!NAME.matcher(name).matches()) {
			problem(property, "name '" + name + "' must be lowercase letters, digits and '-' (it is used in metrics)");
		}
	}

	private void checkClaimNames(String property, List<String> claims) {
		if (claims.isEmpty()) {
			problem(property, "must list at least one claim name");
		}
		checkValues(property, claims);
	}

	private void checkScopes(String property, List<String> scopes) {
		for (int i = 0; i < scopes.size(); i++) {
			if (scopes.get(i) == null || !SCOPE.matcher(scopes.get(i)).matches()) {
				problem(property + "[" + i + "]", "is not a valid scope token (RFC 6749 §3.3: no spaces or quotes)");
			}
		}
	}

	private void checkValues(String property, List<String> values) {
		for (int i = 0; i < values.size(); i++) {
			if (values.get(i) == null || values.get(i).isBlank()) {
				problem(property + "[" + i + "]", "must not be blank");
			}
		}
	}

	private void checkPositive(String property, Duration duration) {
		if (duration.isNegative() || duration.isZero()) {
			problem(property, "must be a positive duration");
		}
	}

	private boolean checkHttpUrl(String property, URI url) {
		if (!isHttp(url) || url.getRawUserInfo() != null) {
			problem(property, "must be an absolute http(s) URL with a host and no user info");
			return false;
		}
		return true;
	}

	private static boolean isHttp(URI url) {
		return url.isAbsolute() && ("https".equalsIgnoreCase(url.getScheme()) || "http".equalsIgnoreCase(url.getScheme()))
				&& url.getHost() != null;
	}

	private static URI parse(String value) {
		try {
			return (value != null) ? new URI(value) : null;
		}
		catch (java.net.URISyntaxException ex) {
			return null;
		}
	}

	private void problem(String property, String message) {
		this.problems.add(new ConfigurationProblem(property, message));
	}

}
