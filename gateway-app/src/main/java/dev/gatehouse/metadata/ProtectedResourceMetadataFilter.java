package dev.gatehouse.metadata;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.gatehouse.routing.Route;
import dev.gatehouse.routing.RouteTable;
import dev.gatehouse.token.TrustedIssuer;

/**
 * Serves OAuth 2.0 Protected Resource Metadata (RFC 9728 §3) for each route at
 * {@code /.well-known/oauth-protected-resource<route path>}, and at the root for the configured
 * (or only) route. The document is public: no token, any origin (CORS {@code *}, no credentials),
 * never a redirect. {@code resource} is {@code public-url} + route path, never derived from the
 * request. It claims only what Gatehouse enforces: header bearer tokens, no mTLS binding, no DPoP.
 */
public final class ProtectedResourceMetadataFilter extends OncePerRequestFilter {

	private final Supplier<RouteTable> routes;

	private final JsonMapper json;

	/** Documents by route id, for one route table: a reload starts afresh. */
	private volatile Documents documents = new Documents(null);

	/** @param routes the active route table */
	public ProtectedResourceMetadataFilter(Supplier<RouteTable> routes, JsonMapper json) {
		this.routes = routes;
		this.json = json;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith(Route.METADATA_PATH);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		RouteTable table = this.routes.get();
		Route route = table.matchMetadata(request.getRequestURI());
		response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
		if (route == null) {
			response.sendError(HttpStatus.NOT_FOUND.value());
			return;
		}
		String method = request.getMethod();
		if (HttpMethod.OPTIONS.matches(method)) {
			response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, OPTIONS");
			response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "MCP-Protocol-Version");
			response.setHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "3600");
			response.setStatus(HttpStatus.NO_CONTENT.value());
			return;
		}
		if (!HttpMethod.GET.matches(method) && !HttpMethod.HEAD.matches(method)) {
			response.setHeader(HttpHeaders.ALLOW, "GET, HEAD, OPTIONS");
			response.sendError(HttpStatus.METHOD_NOT_ALLOWED.value());
			return;
		}
		byte[] body = document(table, route);
		response.setStatus(HttpStatus.OK.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300");
		response.setContentLength(body.length);
		if (HttpMethod.GET.matches(method)) {
			response.getOutputStream().write(body);
		}
	}

	private byte[] document(RouteTable table, Route route) {
		Documents documents = this.documents;
		if (documents.table() != table) {
			documents = new Documents(table);
			this.documents = documents;
		}
		byte[] cached = documents.byRoute().get(route.id());
		if (cached != null) {
			return cached;
		}
		byte[] document = this.json.writeValueAsBytes(metadata(route));
		// issuers named only by a discovery URL are final once discovered; cache from then on
		if (route.issuers().stream().allMatch((issuer) -> issuer.issuerId() != null)) {
			documents.byRoute().put(route.id(), document);
		}
		return document;
	}

	static Map<String, Object> metadata(Route route) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("resource", route.resource());
		metadata.put("authorization_servers", route.issuers().stream().map(TrustedIssuer::advertisedIssuer).toList());
		List<String> scopes = List.copyOf(route.policy().scopesSupported());
		if (!scopes.isEmpty()) {
			metadata.put("scopes_supported", scopes);
		}
		metadata.put("bearer_methods_supported", List.of("header"));
		if (route.resourceName() != null) {
			metadata.put("resource_name", route.resourceName());
		}
		return metadata;
	}

	private record Documents(RouteTable table, Map<String, byte[]> byRoute) {

		Documents(RouteTable table) {
			this(table, new ConcurrentHashMap<>());
		}

	}

}
