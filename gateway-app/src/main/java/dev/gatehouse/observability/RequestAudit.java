package dev.gatehouse.observability;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What one public request came to, filled in along the pipeline (who, what, which decision, what the
 * upstream answered) and written once as an audit event by {@link AuditFilter} when the request ends.
 * Holds no token and no claim beyond issuer name, subject and client id.
 */
public final class RequestAudit {

	/** The correlation header: accepted from the client (or an ingress) when well-formed, else minted. */
	public static final String REQUEST_ID_HEADER = "X-Request-Id";

	private static final String ATTRIBUTE = RequestAudit.class.getName();

	private static final Pattern WELL_FORMED_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

	private final String requestId;

	private volatile String issuer;

	private volatile String subject;

	private volatile String clientId;

	private volatile String reason;

	private volatile String outcome = "allowed";

	private volatile String mcpMethod;

	private volatile String mcpTool;

	private volatile int upstreamStatus;

	private RequestAudit(String requestId) {
		this.requestId = requestId;
	}

	static RequestAudit start(HttpServletRequest request) {
		String given = request.getHeader(REQUEST_ID_HEADER);
		String id = (given != null && WELL_FORMED_ID.matcher(given).matches()) ? given : newId();
		RequestAudit audit = new RequestAudit(id);
		request.setAttribute(ATTRIBUTE, audit);
		return audit;
	}

	/** A random version-4 UUID from a per-thread generator: unique enough to correlate, and no lock per request. */
	private static String newId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long high = (random.nextLong() & ~0xF000L) | 0x4000L;
		long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(high, low).toString();
	}

	/** @return the request's audit record, or {@code null} outside the public port's filter */
	public static RequestAudit of(HttpServletRequest request) {
		return (RequestAudit) request.getAttribute(ATTRIBUTE);
	}

	public String requestId() {
		return this.requestId;
	}

	/** The verified token's issuer (configured name), subject and client id. */
	public void authenticated(String issuer, String subject, String clientId) {
		this.issuer = issuer;
		this.subject = subject;
		this.clientId = clientId;
	}

	/** Gatehouse refused the request for this stable reason code. */
	public void refused(String reason) {
		this.reason = reason;
		this.outcome = "refused";
	}

	/** The upstream exchange failed for this reason (unavailable, timeout, ...). */
	public void failed(String reason) {
		this.reason = reason;
		this.outcome = "failed";
	}

	/** The JSON-RPC method and, for {@code tools/call}, the tool name, as the request body gave them. */
	public void mcp(String method, String tool) {
		this.mcpMethod = method;
		this.mcpTool = tool;
	}

	/** The upstream's response status. */
	public void upstream(int status) {
		this.upstreamStatus = status;
	}

	String issuer() {
		return this.issuer;
	}

	String subject() {
		return this.subject;
	}

	String clientId() {
		return this.clientId;
	}

	/** {@code allowed} (the upstream answered), {@code refused} (by Gatehouse) or {@code failed} (upstream). */
	String outcome() {
		return this.outcome;
	}

	String reason() {
		return this.reason;
	}

	String mcpMethod() {
		return this.mcpMethod;
	}

	String mcpTool() {
		return this.mcpTool;
	}

	int upstreamStatus() {
		return this.upstreamStatus;
	}

}
