package dev.gatehouse.routing;

import java.time.Duration;

import org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import dev.gatehouse.auth.RouteResolutionFilter;
import dev.gatehouse.observability.GatehouseMeters;

/**
 * One Spring Cloud Gateway (Server WebMVC) route per configured route. A request matches the route
 * the security chain already resolved and authorised for it, so routing and authorisation can never
 * disagree about which route a path belongs to.
 */
@Configuration(proxyBeanMethods = false)
class GatewayRoutesConfiguration {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** How long the upstream may take to send response headers; the body (an SSE stream) has no deadline. */
	private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);

	@Bean
	ProxyExchange streamingProxyExchange(GatehouseMeters meters) {
		return new StreamingProxyExchange(CONNECT_TIMEOUT, RESPONSE_TIMEOUT, meters);
	}

	@Bean
	RouterFunction<ServerResponse> gatehouseRoutes(RouteTable routes, ProxyExchange exchange) {
		RouterFunction<ServerResponse> all = null;
		for (Route route : routes.routes()) {
			RouterFunction<ServerResponse> function = GatewayRouterFunctions.route(route.id())
				.route((request) -> RouteResolutionFilter.route(request.servletRequest()) == route,
						new McpProxyHandler(exchange, route))
				.build();
			all = (all != null) ? all.and(function) : function;
		}
		return all;
	}

}
