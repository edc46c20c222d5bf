package dev.gatehouse.routing;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

import org.springframework.http.HttpStatus;

/**
 * Why an upstream exchange failed before a usable response arrived, and the status the client gets:
 * the backend cannot be reached (503), answered nothing in time (504), broke the exchange or refused
 * the gateway itself with 401/407 (502: a client re-authenticating would not help).
 */
enum UpstreamFailure {

	UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Upstream MCP server unavailable"),

	TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "Upstream MCP server timed out"),

	BAD_GATEWAY(HttpStatus.BAD_GATEWAY, "Upstream MCP server failed"),

	GATEWAY_REFUSED(HttpStatus.BAD_GATEWAY, "Upstream MCP server refused the gateway");

	private final HttpStatus status;

	private final String message;

	UpstreamFailure(HttpStatus status, String message) {
		this.status = status;
		this.message = message;
	}

	HttpStatus status() {
		return this.status;
	}

	String message() {
		return this.message;
	}

	static UpstreamFailure of(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof HttpTimeoutException) {
				return TIMEOUT;
			}
			if (cause instanceof ConnectException || cause instanceof UnknownHostException
					|| cause instanceof NoRouteToHostException || cause instanceof UnresolvedAddressException) {
				return UNAVAILABLE;
			}
		}
		return BAD_GATEWAY;
	}

}
