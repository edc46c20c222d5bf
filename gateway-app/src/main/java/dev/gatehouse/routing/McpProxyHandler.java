package dev.gatehouse.routing;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Proxies a request to the upstream of the route it was resolved to ({@link RequestRoute}), with the
 * path, query and headers exactly as the client sent them (raw: the gateway's stock handler re-encodes the query and adds a charset to
 * {@code Content-Type}): the upstream path plus whatever the request has below the route's path.
 * The strict firewall has already refused encoded separators and dot segments, so the remainder
 * cannot climb out of the upstream path.
 */
final class McpProxyHandler implements HandlerFunction<ServerResponse> {

	private final ProxyExchange exchange;

	McpProxyHandler(ProxyExchange exchange) {
		this.exchange = exchange;
	}

	@Override
	public ServerResponse handle(ServerRequest request) {
		HttpServletRequest servletRequest = request.servletRequest();
		Route route = RequestRoute.of(servletRequest);
		MvcUtils.setRouteId(request, route.id());
		URI target;
		try {
			target = target(servletRequest, route);
		}
		catch (IllegalArgumentException ex) {
			// a path or query that is no URI (e.g. a broken %-escape): refuse it, never a 500
			return JsonRpcErrors.response(HttpStatus.BAD_REQUEST, null, JsonRpcErrors.INVALID_REQUEST,
					"Malformed request target");
		}
		return this.exchange.exchange(this.exchange.request(request)
			.uri(target)
			.headers(ProxyHeaders.request(servletRequest))
			.responseConsumer((upstream, response) -> response.headers().putAll(ProxyHeaders.response(upstream.getHeaders())))
			.build());
	}

	static URI target(HttpServletRequest request, Route route) {
		String base = route.upstream().toString();
		String upstreamBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
		String rest = request.getRequestURI().substring(request.getContextPath().length() + route.path().length());
		String query = request.getQueryString();
		return URI.create(upstreamBase + rest + ((query != null) ? "?" + query : ""));
	}

}
