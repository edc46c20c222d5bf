package dev.gatehouse.routing;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.SocketTimeoutException;
import java.nio.channels.UnresolvedAddressException;

import org.apache.hc.client5.http.ConnectTimeoutException;

import org.springframework.http.HttpStatus;

/**
 * Why an upstream exchange failed before a usable response arrived, and the status the client gets:
 * the backend cannot be reached (503), answered nothing in time (504), broke the exchange or refused
 * the gateway itself with 401/407 (502: a client re-authenticating would not help).
 */
enum UpstreamFailure {

	UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "upstream_unavailable", "Upstream MCP server unavailable"),

	TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout", "Upstream MCP server timed out"),

	BAD_GATEWAY(HttpStatus.BAD_GATEWAY, "upstream_failed", "Upstream MCP server failed"),

	GATEWAY_REFUSED(HttpStatus.BAD_GATEWAY, "upstream_refused_gateway", "Upstream MCP server refused the gateway");

	private final HttpStatus status;

	private final String code;

	private final String message;

	UpstreamFailure(HttpStatus status, String code, String message) {
		this.status = status;
		this.code = code;
		this.message = message;
	}

	/** The stable code in the audit event's {@code reason}. */
	String code() {
		return this.code;
	}

	HttpStatus status() {
		return this.status;
	}

	String message() {
		return this.message;
	}

	static UpstreamFailure of(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SocketTimeoutException || cause instanceof ConnectTimeoutException
					|| cause instanceof UpstreamClient.UploadTimeoutException) {
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
