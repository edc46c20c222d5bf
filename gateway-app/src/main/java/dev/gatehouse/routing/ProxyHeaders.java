package dev.gatehouse.routing;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;

import dev.gatehouse.observability.RequestAudit;

/**
 * Which headers cross the gateway. Everything passes unchanged ({@code Accept}, {@code Content-Type},
 * {@code Mcp-Session-Id}, {@code MCP-Protocol-Version}, {@code Last-Event-ID}, every other
 * {@code Mcp-*}) except: hop-by-hop headers and those named in {@code Connection} (RFC 9110 §7.6.1);
 * the client's credentials ({@code Authorization}, {@code Proxy-Authorization}, cookies: MCP forbids
 * token passthrough); client-supplied forwarding headers, which a backend might trust; and
 * {@code Host}, which the HTTP client sets from the upstream URL; {@code Content-Length} and
 * {@code Expect}, which the HTTP client derives from the streamed body; and names with an underscore,
 * which some servers fold into dashes ({@code X_Forwarded_For}), as nginx drops them; and
 * {@code Origin}, which the gateway has already checked (a backend that checks it too would refuse
 * the browser clients the gateway allows). From the upstream, {@code WWW-Authenticate} (the
 * backend's challenge is not the client's business), {@code Set-Cookie} (cookies never go back
 * upstream) and {@code Access-Control-*} (CORS is the gateway's) are dropped too.
 */
final class ProxyHeaders {

	private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
			"transfer-encoding", "te", "trailer", "upgrade", "http2-settings", "proxy-authenticate", "proxy-authorization");

	private static final Set<String> NEVER_FORWARDED = Set.of("host", "authorization", "cookie", "cookie2", "forwarded",
			"x-real-ip", "x-client-ip", "true-client-ip", "client-ip", "content-length", "expect", "origin");

	private static final Set<String> NEVER_RETURNED = Set.of("www-authenticate", "proxy-authenticate", "set-cookie",
			"set-cookie2");

	private ProxyHeaders() {
	}

	/**
	 * The client's headers as they go upstream, read raw from the servlet request, plus the gateway's
	 * own {@code X-Request-Id}, set last so that no client header (nor a {@code Connection} token)
	 * can remove or replace it.
	 */
	static HttpHeaders request(HttpServletRequest request) {
		Set<String> connectionTokens = connectionTokens(Collections.list(request.getHeaders(HttpHeaders.CONNECTION)));
		HttpHeaders headers = new HttpHeaders();
		for (String name : Collections.list(request.getHeaderNames())) {
			String lower = name.toLowerCase(Locale.ROOT);
			if (!HOP_BY_HOP.contains(lower) && !NEVER_FORWARDED.contains(lower) && !lower.startsWith("x-forwarded-")
					&& lower.indexOf('_') < 0 && !connectionTokens.contains(lower)) {
				headers.addAll(name, Collections.list(request.getHeaders(name)));
			}
		}
		RequestAudit audit = RequestAudit.of(request);
		if (audit != null) {
			headers.set(RequestAudit.REQUEST_ID_HEADER, audit.requestId());
		}
		return headers;
	}

	/** The upstream's response headers as they go to the client. */
	static HttpHeaders response(HttpHeaders upstream) {
		Set<String> connectionTokens = connectionTokens(upstream.getOrEmpty(HttpHeaders.CONNECTION));
		HttpHeaders headers = new HttpHeaders();
		upstream.forEach((name, values) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			if (!HOP_BY_HOP.contains(lower) && !NEVER_RETURNED.contains(lower) && !connectionTokens.contains(lower)
					&& !lower.startsWith(":") && !lower.startsWith("access-control-")) {
				headers.addAll(name, values);
			}
		});
		return headers;
	}

	private static Set<String> connectionTokens(List<String> connection) {
		Set<String> tokens = new HashSet<>();
		for (String value : connection) {
			for (String token : value.split(",")) {
				tokens.add(token.trim().toLowerCase(Locale.ROOT));
			}
		}
		return tokens;
	}

}
