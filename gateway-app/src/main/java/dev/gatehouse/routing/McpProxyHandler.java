package dev.gatehouse.routing;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import dev.gatehouse.routing.Upstreams.Selection;

/**
 * Proxies a request to the upstream of the route it was resolved to ({@link RequestRoute}), with the
 * path, query and headers exactly as the client sent them (raw: the gateway's stock handler re-encodes the query and adds a charset to
 * {@code Content-Type}): the upstream path plus whatever the request has below the route's path.
 * A route with several instances sends the request to the one its {@link Upstreams} selects, with
 * {@code Mcp-Session-Id} translated between the client's tagged form and the instance's own.
 * The strict firewall has already refused encoded separators and dot segments, so the remainder
 * cannot climb out of the upstream path.
 */
final class McpProxyHandler implements HandlerFunction<ServerResponse> {

	private static final String SESSION_HEADER = "Mcp-Session-Id";

	private final ProxyExchange exchange;

	McpProxyHandler(ProxyExchange exchange) {
		this.exchange = exchange;
	}

	@Override
	public ServerResponse handle(ServerRequest request) {
		HttpServletRequest servletRequest = request.servletRequest();
		Route route = RequestRoute.of(servletRequest);
		MvcUtils.setRouteId(request, route.id());
		Selection selection = route.upstreams().select(servletRequest.getHeader(SESSION_HEADER));
		if (selection == null) {
			// SessionBindingFilter has refused a session no instance of the route can hold: a guard, never a pass
			return JsonRpcErrors.response(HttpStatus.NOT_FOUND, null, JsonRpcErrors.INVALID_REQUEST, "Session not found");
		}
		URI target;
		try {
			target = target(servletRequest, route, selection.instance());
		}
		catch (IllegalArgumentException ex) {
			// a path or query that is no URI (e.g. a broken %-escape): refuse it, never a 500
			return JsonRpcErrors.response(HttpStatus.BAD_REQUEST, null, JsonRpcErrors.INVALID_REQUEST,
					"Malformed request target");
		}
		HttpHeaders headers = ProxyHeaders.request(servletRequest);
		if (selection.upstreamSessionId() != null) {
			headers.set(SESSION_HEADER, selection.upstreamSessionId());
		}
		return this.exchange.exchange(this.exchange.request(request)
			.uri(target)
			.headers(headers)
			.responseConsumer((upstream, response) -> response.headers().putAll(clientHeaders(upstream.getHeaders(), selection)))
			.build());
	}

	/** The upstream's headers for the client, a session id issued by a pinned instance tagged with it. */
	private static HttpHeaders clientHeaders(HttpHeaders upstream, Selection selection) {
		HttpHeaders headers = ProxyHeaders.response(upstream);
		String issued = headers.getFirst(SESSION_HEADER);
		if (issued != null && selection.tag() != null) {
			headers.set(SESSION_HEADER, selection.clientSessionId(issued));
		}
		return headers;
	}

	static URI target(HttpServletRequest request, Route route, URI instance) {
		String base = instance.toString();
		String upstreamBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
		String rest = request.getRequestURI().substring(request.getContextPath().length() + route.path().length());
		String query = request.getQueryString();
		return URI.create(upstreamBase + rest + ((query != null) ? "?" + query : ""));
	}

}
