package dev.gatehouse.routing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import dev.gatehouse.config.GatehouseProperties;
import dev.gatehouse.observability.GatehouseMeters;

/**
 * One Spring Cloud Gateway (Server WebMVC) route per configured route. A request matches the route
 * the security chain already resolved and authorised for it, so routing and authorisation can never
 * disagree about which route a path belongs to.
 */
@Configuration(proxyBeanMethods = false)
class GatewayRoutesConfiguration {

	@Bean(destroyMethod = "close")
	StreamingProxyExchange streamingProxyExchange(GatehouseProperties properties, GatehouseMeters meters,
			ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
		return new StreamingProxyExchange(properties.upstream(), meters,
				new TraceHeaders(tracer.getIfAvailable(), propagator.getIfAvailable()));
	}

	@Bean
	RouterFunction<ServerResponse> gatehouseRoutes(RouteTable routes, StreamingProxyExchange exchange) {
		RouterFunction<ServerResponse> all = null;
		for (Route route : routes.routes()) {
			RouterFunction<ServerResponse> function = GatewayRouterFunctions.route(route.id())
				// REQUEST dispatches only: an ERROR or INCLUDE dispatch after a failure must never reach
				// the backend again (it would be proxied a second time, unauthenticated)
				.route((request) -> request.servletRequest().getDispatcherType() == DispatcherType.REQUEST
						&& RequestRoute.of(request.servletRequest()) == route, new McpProxyHandler(exchange, route))
				.build();
			all = (all != null) ? all.and(function) : function;
		}
		return all;
	}

}
