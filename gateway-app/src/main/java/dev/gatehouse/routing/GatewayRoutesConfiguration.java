package dev.gatehouse.routing;

import org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import dev.gatehouse.auth.RouteResolutionFilter;
import dev.gatehouse.config.GatehouseProperties;
import dev.gatehouse.observability.GatehouseMeters;

/**
 * One Spring Cloud Gateway (Server WebMVC) route per configured route. A request matches the route
 * the security chain already resolved and authorised for it, so routing and authorisation can never
 * disagree about which route a path belongs to.
 */
@Configuration(proxyBeanMethods = false)
class GatewayRoutesConfiguration {

	@Bean
	ProxyExchange streamingProxyExchange(GatehouseProperties properties, GatehouseMeters meters) {
		return new StreamingProxyExchange(properties.upstream().connectTimeout(), properties.upstream().responseTimeout(),
				meters);
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
