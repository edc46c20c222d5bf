package dev.gatehouse.observability;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.gatehouse.routing.RequestRoute;
import dev.gatehouse.routing.Route;

/**
 * Outermost on the public port: gives each request a correlation id ({@code X-Request-Id}, also in
 * the MDC as {@code request_id} for every log line written meanwhile, sent upstream and back to the
 * client), and when the request ends writes one audit event on the {@code gatehouse.audit} logger:
 * route, outcome, reason, status, upstream status, latency, issuer, subject, client id, MCP method
 * and tool. Metadata requests and requests no route claimed without a refusal are not audited.
 * Values from a token or a body are written only when they are printable and short; the token
 * never is. With structured logging on ({@code logging.structured.format.console=ecs}), every field
 * is a JSON field too.
 */
public final class AuditFilter extends OncePerRequestFilter {

	static final String LOGGER = "gatehouse.audit";

	private static final Logger audit = LoggerFactory.getLogger(LOGGER);

	private static final int MAX_VALUE_LENGTH = 256;

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long start = System.nanoTime();
		RequestAudit record = RequestAudit.start(request);
		response.setHeader(RequestAudit.REQUEST_ID_HEADER, record.requestId());
		MDC.put("request_id", record.requestId());
		try {
			chain.doFilter(request, response);
		}
		finally {
			MDC.remove("request_id");
			Route route = RequestRoute.of(request);
			if ((route != null || record.reason() != null) && audit.isInfoEnabled()) {
				write(request, response, record, route, (System.nanoTime() - start) / 1_000_000);
			}
		}
	}

	private static void write(HttpServletRequest request, HttpServletResponse response, RequestAudit record, Route route,
			long latencyMillis) {
		String outcome = record.outcome();
		LoggingEventBuilder event = audit.atInfo()
			.addKeyValue("request_id", record.requestId())
			.addKeyValue("route", (route != null) ? route.id() : "none")
			.addKeyValue("method", request.getMethod())
			.addKeyValue("outcome", outcome)
			.addKeyValue("status", response.getStatus())
			.addKeyValue("latency_ms", latencyMillis);
		StringBuilder message = new StringBuilder("mcp request route=").append((route != null) ? route.id() : "none")
			.append(" method=").append(request.getMethod())
			.append(" outcome=").append(outcome)
			.append(" status=").append(response.getStatus());
		optional(event, message, "reason", record.reason());
		if (record.upstreamStatus() > 0) {
			event = event.addKeyValue("upstream_status", record.upstreamStatus());
			message.append(" upstream_status=").append(record.upstreamStatus());
		}
		message.append(" latency_ms=").append(latencyMillis);
		optional(event, message, "issuer", record.issuer());
		optional(event, message, "subject", printable(record.subject()));
		optional(event, message, "client_id", printable(record.clientId()));
		optional(event, message, "mcp_method", printable(record.mcpMethod()));
		optional(event, message, "mcp_tool", printable(record.mcpTool()));
		message.append(" request_id=").append(record.requestId());
		event.log(message.toString());
	}

	private static void optional(LoggingEventBuilder event, StringBuilder message, String key, String value) {
		if (value != null) {
			event.addKeyValue(key, value);
			message.append(' ').append(key).append('=').append(value);
		}
	}

	/** A value safe to put in a log line: printable ASCII without spaces, at most 256 chars; else a marker. */
	static String printable(String value) {
		if (value == null) {
			return null;
		}
		if (value.length() > MAX_VALUE_LENGTH) {
			return "<too long>";
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c <= ' ' || c >= 0x7f) {
				return "<unprintable>";
			}
		}
		return value;
	}

}
