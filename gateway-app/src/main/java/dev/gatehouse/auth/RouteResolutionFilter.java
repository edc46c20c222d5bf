package dev.gatehouse.auth;

import java.io.IOException;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.gatehouse.refusal.Reason;
import dev.gatehouse.routing.RequestRoute;
import dev.gatehouse.routing.Route;
import dev.gatehouse.routing.RouteTable;

/**
 * Finds the route a request is for, once, and keeps it as a request attribute for every later
 * step (a request keeps its route when the configuration is reloaded meanwhile). A path that is no route's is answered 404 here: nothing but routes (and their metadata,
 * served before this filter) is reachable on the public port.
 */
public final class RouteResolutionFilter extends OncePerRequestFilter {

	private final Supplier<RouteTable> routes;

	private final RejectionResponder responder;

	/** @param routes the active route table, read once per request */
	public RouteResolutionFilter(Supplier<RouteTable> routes, RejectionResponder responder) {
		this.routes = routes;
		this.responder = responder;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Route route = this.routes.get().match(request.getRequestURI());
		if (route == null) {
			this.responder.reject(request, response, Reason.NO_ROUTE, Set.of());
			return;
		}
		RequestRoute.set(request, route);
		chain.doFilter(request, response);
	}

}
