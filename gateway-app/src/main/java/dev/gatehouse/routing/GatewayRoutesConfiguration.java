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
 * One Spring Cloud Gateway (Server WebMVC) route for every configured route: a request is proxied to
 * the route the security chain already resolved and authorised for it, read from the request, so
 * routing and authorisation can never disagree about which route a path belongs to, and a request
 * (an SSE stream included) keeps the route it started with when the configuration is reloaded.
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
	RouterFunction<ServerResponse> gatehouseRoutes(StreamingProxyExchange exchange) {
		return GatewayRouterFunctions.route("gatehouse")
			// REQUEST dispatches only: an ERROR or INCLUDE dispatch after a failure must never reach
			// the backend again (it would be proxied a second time, unauthenticated)
			.route((request) -> request.servletRequest().getDispatcherType() == DispatcherType.REQUEST
					&& RequestRoute.of(request.servletRequest()) != null, new McpProxyHandler(exchange))
			.build();
	}

}
