package dev.gatehouse.auth;

import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.TokenRejectedException;

/**
 * Reads the bearer token from the one {@code Authorization} header (RFC 6750 §2.1) and refuses
 * every other way of sending one. Unlike Spring's {@code DefaultBearerTokenResolver}, which reads
 * only the first of repeated headers and ignores query tokens, it answers 400
 * {@code invalid_request} for repeated headers, tokens in the query string or a form body (OAuth
 * 2.1 §5.1.3), and a {@code Bearer} credential that is not exactly one b64token. Another scheme
 * (e.g. {@code Basic}) counts as no bearer token.
 */
public final class StrictBearerTokenResolver implements BearerTokenResolver {

	private static final String PARAMETER = "access_token";

	@Override
	public String resolve(HttpServletRequest request) {
		String header = singleAuthorizationHeader(request);
		if (hasTokenParameter(request)) {
			throw new TokenRejectedException(Reason.TOKEN_IN_QUERY);
		}
		if (header != null && header.regionMatches(true, 0, "DPoP ", 0, 5)) {
			// DPoP is not supported (and not advertised): answered here, before Spring Security's own
			// DPoP filter, as any other non-Bearer scheme, with the route's challenge
			throw new TokenRejectedException(Reason.TOKEN_MISSING);
		}
		if (header == null || !header.regionMatches(true, 0, "Bearer", 0, 6)
				|| (header.length() > 6 && header.charAt(6) != ' ')) {
			return null;
		}
		String token = b64token(header);
		if (token == null) {
			throw new TokenRejectedException(Reason.MALFORMED_AUTHORIZATION_HEADER);
		}
		return token;
	}

	/**
	 * The credential of {@code Bearer <spaces> b64token} (RFC 6750 §2.1: {@code 1*( ALPHA / DIGIT /
	 * "-" / "." / "_" / "~" / "+" / "/" ) *"="}), or {@code null}; the scheme is already checked. A
	 * loop rather than a regular expression: it runs on every request.
	 */
	static String b64token(String header) {
		int start = 6;
		while (start < header.length() && header.charAt(start) == ' ') {
			start++;
		}
		if (start == 6) {
			return null;
		}
		int i = start;
		while (i < header.length() && isToken68(header.charAt(i))) {
			i++;
		}
		if (i == start) {
			return null;
		}
		for (int j = i; j < header.length(); j++) {
			if (header.charAt(j) != '=') {
				return null;
			}
		}
		return header.substring(start);
	}

	private static boolean isToken68(char c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
				|| c == '_' || c == '~' || c == '+' || c == '/';
	}

	private static String singleAuthorizationHeader(HttpServletRequest request) {
		Enumeration<String> headers = request.getHeaders(HttpHeaders.AUTHORIZATION);
		if (headers == null || !headers.hasMoreElements()) {
			return null;
		}
		String header = headers.nextElement();
		if (headers.hasMoreElements()) {
			throw new TokenRejectedException(Reason.MULTIPLE_AUTHORIZATION_HEADERS);
		}
		return header;
	}

	private static String decode(String name) {
		try {
			return java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			// a broken escape cannot spell access_token; the query goes upstream as sent
			return null;
		}
	}

	private static boolean hasTokenParameter(HttpServletRequest request) {
		String query = request.getQueryString();
		if (query != null) {
			for (String pair : query.split("&")) {
				String name = pair.split("=", 2)[0];
				if (name.equals(PARAMETER) || PARAMETER.equals(decode(name))) {
					return true;
				}
			}
		}
		// only a form body is read for parameters, so a JSON-RPC body is never consumed here
		String contentType = request.getContentType();
		return contentType != null && contentType.regionMatches(true, 0, MediaType.APPLICATION_FORM_URLENCODED_VALUE, 0,
				MediaType.APPLICATION_FORM_URLENCODED_VALUE.length()) && request.getParameter(PARAMETER) != null;
	}

}
