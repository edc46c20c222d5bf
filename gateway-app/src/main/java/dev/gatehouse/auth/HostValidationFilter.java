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
 * First in the public chain: a request whose {@code Host} is not one of the {@link AllowedHosts}
 * gets 421 (the MCP Python SDK answers the same), before metadata, routing or tokens. The raw
 * header is checked, not {@code getServerName()}, which a forwarded-header valve may have rewritten.
 */
public final class HostValidationFilter extends OncePerRequestFilter {

	private final Supplier<AllowedHosts> hosts;

	private final RejectionResponder responder;

	/** @param hosts the hosts of the active configuration */
	public HostValidationFilter(Supplier<AllowedHosts> hosts, RejectionResponder responder) {
		this.hosts = hosts;
		this.responder = responder;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.hosts.get().allows(request.getHeader(HttpHeaders.HOST))) {
			this.responder.reject(request, response, Reason.HOST_NOT_ALLOWED, Set.of());
			return;
		}
		chain.doFilter(request, response);
	}

}
