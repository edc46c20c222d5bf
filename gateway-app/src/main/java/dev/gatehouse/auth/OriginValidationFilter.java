package dev.gatehouse.auth;

import java.io.IOException;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import dev.gatehouse.refusal.Reason;

/**
 * MCP Streamable HTTP: servers MUST validate {@code Origin} (DNS rebinding); a present, disallowed
 * one gets 403. Allowed: the public origin and the configured {@code allowed-origins}. The request's
 * own {@code Host} is deliberately not used as a reference, since a rebinding attack controls it.
 * Protected resource metadata is public and readable from any origin, so it is not checked.
 */
public final class OriginValidationFilter extends OncePerRequestFilter {

	private final Supplier<Set<String>> allowedOrigins;

	private final RejectionResponder responder;

	/** @param allowedOrigins the origins of the active configuration */
	public OriginValidationFilter(Supplier<Set<String>> allowedOrigins, RejectionResponder responder) {
		this.allowedOrigins = allowedOrigins;
		this.responder = responder;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String origin = request.getHeader(HttpHeaders.ORIGIN);
		if (origin != null && !this.allowedOrigins.get().contains(origin)) {
			this.responder.reject(request, response, Reason.ORIGIN_NOT_ALLOWED, Set.of());
			return;
		}
		chain.doFilter(request, response);
	}

}
