package dev.gatehouse.refusal;

import org.springframework.http.HttpStatus;

/**
 * Every reason Gatehouse refuses a request, a closed set. Each reason carries its HTTP status, its
 * RFC 6750 §3.1 error code (if any) and a fixed description; {@code RejectionResponder} turns it
 * into the response. The {@link #code()} is stable: it appears in response bodies, debug logs and
 * the {@code reason} tag of {@code gatehouse.auth.decisions}.
 */
public enum Reason {

	/** No bearer token (RFC 6750 §3.1: no error code). */
	TOKEN_MISSING(HttpStatus.UNAUTHORIZED, null, "Authentication is required"),

	/** An {@code access_token} query or form parameter (OAuth 2.1 §5.1.3 forbids tokens in URIs). */
	TOKEN_IN_QUERY(HttpStatus.BAD_REQUEST, "invalid_request", "Send the token in the Authorization header only"),

	/** More than one {@code Authorization} header. */
	MULTIPLE_AUTHORIZATION_HEADERS(HttpStatus.BAD_REQUEST, "invalid_request", "Send exactly one Authorization header"),

	/** A {@code Bearer} credential that is not one RFC 6750 b64token. */
	MALFORMED_AUTHORIZATION_HEADER(HttpStatus.BAD_REQUEST, "invalid_request", "The Authorization header is malformed"),

	/** Not a compact JWS JWT, or its JSON is unreadable or mistyped. */
	MALFORMED_TOKEN(HttpStatus.UNAUTHORIZED, "invalid_token", "The token is not a well-formed JWT"),

	/** Unsecured ({@code alg: none}), HMAC, encrypted, or an algorithm not allowed for its issuer. */
	ALGORITHM_NOT_ALLOWED(HttpStatus.UNAUTHORIZED, "invalid_token", "The token's algorithm is not accepted"),

	/** A {@code typ} header other than {@code JWT} or {@code at+jwt}. */
	TOKEN_TYPE_NOT_ALLOWED(HttpStatus.UNAUTHORIZED, "invalid_token", "The token's type is not accepted"),

	/** {@code iss} missing or not one of the route's issuers. */
	ISSUER_NOT_ALLOWED(HttpStatus.UNAUTHORIZED, "invalid_token", "The token's issuer is not accepted for this resource"),

	/** No key of the issuer matches the token's {@code kid} and algorithm. */
	UNKNOWN_KEY(HttpStatus.UNAUTHORIZED, "invalid_token", "The token was signed with an unknown key"),

	/** No matching key verifies the signature. */
	INVALID_SIGNATURE(HttpStatus.UNAUTHORIZED, "invalid_token", "The token's signature is invalid"),

	/** No {@code exp} claim. */
	EXPIRY_MISSING(HttpStatus.UNAUTHORIZED, "invalid_token", "The token has no expiry"),

	/** {@code exp} has passed (beyond the clock skew). */
	TOKEN_EXPIRED(HttpStatus.UNAUTHORIZED, "invalid_token", "The token has expired"),

	/** {@code nbf} or {@code iat} is in the future (beyond the clock skew). */
	TOKEN_NOT_YET_VALID(HttpStatus.UNAUTHORIZED, "invalid_token", "The token is not valid yet"),

	/** {@code aud} holds none of the route's allowed audiences (RFC 8707). */
	AUDIENCE_MISMATCH(HttpStatus.UNAUTHORIZED, "invalid_token", "The token was not issued for this resource"),

	/** The client id is missing or not one of the route's allowed clients. */
	CLIENT_NOT_ALLOWED(HttpStatus.UNAUTHORIZED, "invalid_token", "The token's client is not allowed for this resource"),

	/** The route's allowed or required scopes are not granted. */
	INSUFFICIENT_SCOPE(HttpStatus.FORBIDDEN, "insufficient_scope", "The token lacks a scope this resource requires"),

	/** A claim rule does not hold: a new token with more scopes would not help, so no challenge. */
	CLAIM_RULE_FAILED(HttpStatus.FORBIDDEN, null, "The token's claims do not permit access to this resource"),

	/**
	 * A {@code Host} that is not the public host nor an allowed one (DNS rebinding): 421, the request
	 * was sent to a server that does not answer for that host.
	 */
	HOST_NOT_ALLOWED(HttpStatus.MISDIRECTED_REQUEST, null, "This server does not answer for the request's Host"),

	/** An {@code Origin} header that is neither the public origin nor an allowed one. */
	ORIGIN_NOT_ALLOWED(HttpStatus.FORBIDDEN, null, "The request's Origin is not allowed"),

	/**
	 * An {@code Mcp-Session-Id} bound to another principal: answered as for a session that does not
	 * exist (MCP: 404, the client re-initializes), so nothing about the other session leaks.
	 */
	SESSION_NOT_FOUND(HttpStatus.NOT_FOUND, null, "No such MCP session"),

	/** The path is no route's. */
	NO_ROUTE(HttpStatus.NOT_FOUND, null, "No MCP endpoint at this path"),

	/** The issuer's metadata or keys cannot be had and none are cached: a server fault. */
	KEYS_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, null, "The identity provider's keys are unavailable; retry later");

	private final HttpStatus status;

	private final String errorCode;

	private final String description;

	private final String code;

	Reason(HttpStatus status, String errorCode, String description) {
		this.status = status;
		this.errorCode = errorCode;
		this.description = description;
		this.code = name().toLowerCase(java.util.Locale.ROOT);
	}

	/** The stable machine-readable code, e.g. {@code audience_mismatch}. */
	public String code() {
		return this.code;
	}

	public HttpStatus status() {
		return this.status;
	}

	/** The RFC 6750 error code for {@code WWW-Authenticate} and the body, or {@code null}. */
	public String errorCode() {
		return this.errorCode;
	}

	public String description() {
		return this.description;
	}

	/** Whether the response carries a {@code Bearer} challenge (RFC 6750 §3). */
	public boolean challenges() {
		return this.status == HttpStatus.UNAUTHORIZED || this == INSUFFICIENT_SCOPE || "invalid_request".equals(this.errorCode);
	}

}
