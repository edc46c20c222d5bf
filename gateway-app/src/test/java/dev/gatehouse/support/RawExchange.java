package dev.gatehouse.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One HTTP/1.1 request sent exactly as written over a socket (request targets, control characters,
 * duplicate or folded headers a client library refuses), and the raw response. Unlike {@link RawHttp}
 * it builds the head, and keeps what arrived when the server answers and closes early (e.g. headers
 * too large) instead of failing on the reset.
 *
 * @param raw the response bytes as ISO-8859-1 text; empty when nothing arrived
 */
public record RawExchange(String raw) {

	private static final JsonMapper json = JsonMapper.builder().build();

	/** Sends {@code method target} with these header lines; adds Host, Content-Type (JSON) and Accept unless given. */
	public static RawExchange send(int port, String method, String target, String body, String... headers) {
		String given = "\n" + String.join("\n", headers).toLowerCase(Locale.ROOT);
		StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\n")
			.append(given.contains("\nhost:") ? "" : "Host: 127.0.0.1:" + port + "\r\n")
			.append(given.contains("\ncontent-type:") ? "" : "Content-Type: application/json\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		request.append("Accept: application/json, text/event-stream\r\nContent-Length: ")
			.append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\nConnection: close\r\n\r\n").append(body);
		return exchange(port, request.toString());
	}

	/** POSTs a JSON body in one chunk, followed by these trailer field lines. */
	public static RawExchange chunked(int port, String target, String body, String trailer, String... headers) {
		StringBuilder request = new StringBuilder("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		request.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
			.append(Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length)).append("\r\n").append(body)
			.append("\r\n0\r\n").append(trailer).append("\r\n\r\n");
		return exchange(port, request.toString());
	}

	private static RawExchange exchange(int port, String request) {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			try {
				socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				// answered and closed before the whole request was read
			}
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			for (int n; (n = in.read(buffer)) > 0;) {
				received.write(buffer, 0, n);
			}
		}
		catch (IOException ex) {
			// a reset after the response: keep what arrived
		}
		return new RawExchange(received.toString(StandardCharsets.ISO_8859_1));
	}

	/** The status code, or 0 when no response arrived. */
	public int status() {
		return this.raw.startsWith("HTTP/") ? Integer.parseInt(this.raw.split(" ", 3)[1]) : 0;
	}

	/** The first value of a response header (case-insensitive name), or {@code null}. */
	public String header(String name) {
		int end = this.raw.indexOf("\r\n\r\n");
		Matcher header = Pattern.compile("(?im)^" + Pattern.quote(name) + ":[ \\t]*([^\\r\\n]*)")
			.matcher((end < 0) ? this.raw : this.raw.substring(0, end + 2));
		return header.find() ? header.group(1) : null;
	}

	/** The {@code reason} of a JSON body (the outermost braces, so chunked framing does not matter), or {@code null}. */
	public String reason() {
		int head = this.raw.indexOf("\r\n\r\n");
		String body = (head < 0) ? "" : this.raw.substring(head + 4);
		int start = body.indexOf('{'), end = body.lastIndexOf('}');
		try {
			JsonNode reason = (start >= 0 && end > start) ? json.readTree(body.substring(start, end + 1)).get("reason") : null;
			return (reason != null) ? reason.asString() : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
