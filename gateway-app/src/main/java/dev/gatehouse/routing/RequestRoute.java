package dev.gatehouse.routing;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The route a request was resolved to, kept as a request attribute: resolved once by the security
 * chain, read by every later step (authentication, authorisation, proxy, metrics).
 */
public final class RequestRoute {

	private static final String ATTRIBUTE = Route.class.getName();

	private RequestRoute() {
	}

	/** @return the request's route, or {@code null} before resolution or for no route */
	public static Route of(HttpServletRequest request) {
		return (Route) request.getAttribute(ATTRIBUTE);
	}

	public static void set(HttpServletRequest request, Route route) {
		request.setAttribute(ATTRIBUTE, route);
	}

}
