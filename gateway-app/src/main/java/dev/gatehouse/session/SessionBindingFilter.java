package dev.gatehouse.session;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.Rejections;
import dev.gatehouse.routing.RequestRoute;
import dev.gatehouse.routing.Route;

/**
 * Binds MCP sessions to the principal that created them and refuses their use by anyone else with
 * 404, the answer for a session that does not exist (so nothing leaks, and a client re-initializes).
 * The binding is made the moment the upstream issues {@code Mcp-Session-Id}, by watching the
 * response headers as the client receives them. A session id that no instance of the route can
 * hold (its instance tag is unknown, see {@link dev.gatehouse.routing.Upstreams}) is refused the
 * same way. Runs after authorisation.
 */
public final class SessionBindingFilter extends OncePerRequestFilter {

	static final String SESSION_HEADER = "Mcp-Session-Id";

	private final SessionBindings bindings;

	private final Rejections rejections;

	public SessionBindingFilter(SessionBindings bindings, Rejections rejections) {
		this.bindings = bindings;
		this.rejections = rejections;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		Route route = RequestRoute.of(request);
		if (route == null || authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			chain.doFilter(request, response);
			return;
		}
		String principal = authentication.getName();
		String sessionId = request.getHeader(SESSION_HEADER);
		if (sessionId != null
				&& (!route.upstreams().knows(sessionId) || !this.bindings.mayUse(route.id(), sessionId, principal))) {
			this.rejections.reject(request, response, Reason.SESSION_NOT_FOUND, Set.of());
			return;
		}
		chain.doFilter(request, new BindingResponse(response, route.id(), principal));
		if (sessionId != null && HttpMethod.DELETE.matches(request.getMethod()) && response.getStatus() < 300) {
			this.bindings.unbind(route.id(), sessionId);
		}
	}

	/** Sees the upstream's {@code Mcp-Session-Id} as the proxy copies it onto the response. */
	private final class BindingResponse extends HttpServletResponseWrapper {

		private final String route;

		private final String principal;

		BindingResponse(HttpServletResponse response, String route, String principal) {
			super(response);
			this.route = route;
			this.principal = principal;
		}

		@Override
		public void setHeader(String name, String value) {
			observe(name, value);
			super.setHeader(name, value);
		}

		@Override
		public void addHeader(String name, String value) {
			observe(name, value);
			super.addHeader(name, value);
		}

		private void observe(String name, String value) {
			if (SESSION_HEADER.equalsIgnoreCase(name) && value != null && !value.isEmpty()) {
				SessionBindingFilter.this.bindings.bind(this.route, value, this.principal);
			}
		}

	}

}
