package dev.gatehouse.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A backend that misbehaves on purpose, on the JDK's HTTP server at {@code http://127.0.0.1:<port>}:
 * <ul>
 * <li>{@code /events}: an endless SSE stream, one event every 100 ms, counting open streams (a stream
 * closes when a write fails, i.e. when the gateway dropped the connection)</li>
 * <li>{@code /late-events}: SSE headers at once, first event after 2 s</li>
 * <li>{@code /etag-events}: {@code /events} with an {@code ETag}</li>
 * <li>{@code /gzip-events}: a gzip-encoded SSE stream, silent for 1.2 s before its one event</li>
 * <li>{@code /slow}: no response headers for 5 s</li>
 * <li>{@code /reset}: closes the connection without a response</li>
 * <li>{@code /redirect}: 302 to another host; {@code /redirect-self}: 302 to its own {@code /next}</li>
 * <li>{@code /body-size}: reads the whole request body and answers {@code {"received":<bytes>}};
 * {@link #completeBodies()} counts the bodies that arrived whole</li>
 * <li>{@code /status/<code>}: that status with a small body (401 with its own challenge), and a CORS
 * header of its own</li>
 * <li>{@code /truncated}: declares 100 bytes, sends 10, closes</li>
 * <li>{@code /headers-then-reset}: declares 100 bytes, sends none, closes</li>
 * <li>{@code /idle-events}: SSE headers, then silence for 30 s</li>
 * <li>{@code /held-events}: SSE headers and one event, then a comment every 250 ms for as long as the
 * connection lives, counted in {@link #heldStreams()}</li>
 * <li>{@code /stall-body}: a JSON body announced as 100 bytes, 10 sent, then silence for 30 s</li>
 * </ul>
 * Every request is counted by path ({@link #requests(String)}).
 */
public final class StreamingTestBackend implements AutoCloseable {

	private final HttpServer server;

	private final AtomicInteger openStreams = new AtomicInteger();

	private final AtomicInteger closedStreams = new AtomicInteger();

	private final AtomicInteger completeBodies = new AtomicInteger();

	private final AtomicInteger heldStreams = new AtomicInteger();

	private final java.util.Map<String, AtomicInteger> requests = new java.util.concurrent.ConcurrentHashMap<>();

	public StreamingTestBackend() {
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 2048);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		this.server.createContext("/events", (exchange) -> events(exchange, 0));
		this.server.createContext("/truncated", (exchange) -> {
			count(exchange);
			exchange.sendResponseHeaders(200, 100);
			exchange.getResponseBody().write(new byte[10]);
			exchange.getResponseBody().flush();
			closeConnection(exchange);
		});
		this.server.createContext("/headers-then-reset", (exchange) -> {
			count(exchange);
			exchange.sendResponseHeaders(200, 100);
			exchange.getResponseBody().flush();
			closeConnection(exchange);
		});
		this.server.createContext("/stall-body", (exchange) -> {
			count(exchange);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, 100);
			exchange.getResponseBody().write("{\"partial\"".getBytes(StandardCharsets.UTF_8));
			exchange.getResponseBody().flush();
			sleep(30_000);
			exchange.close();
		});
		this.server.createContext("/idle-events", (exchange) -> {
			count(exchange);
			exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, 0);
			exchange.getResponseBody().flush();
			sleep(30_000);
			exchange.close();
		});
		this.server.createContext("/held-events", (exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, 0);
			this.heldStreams.incrementAndGet();
			try (OutputStream out = exchange.getResponseBody()) {
				out.write("id: 0\ndata: {\"held\":true}\n\n".getBytes(StandardCharsets.UTF_8));
				out.flush();
				for (int i = 0; i < 240; i++) {
					sleep(250);
					out.write(": still here\n\n".getBytes(StandardCharsets.UTF_8));
					out.flush();
				}
			}
			catch (IOException ex) {
				// the gateway closed the upstream stream
			}
			finally {
				this.heldStreams.decrementAndGet();
			}
		});
		this.server.createContext("/late-events", (exchange) -> events(exchange, 2000));
		this.server.createContext("/etag-events", (exchange) -> {
			exchange.getResponseHeaders().add("ETag", "\"v1\"");
			events(exchange, 0);
		});
		this.server.createContext("/gzip-events", (exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
			exchange.getResponseHeaders().add("Content-Encoding", "gzip");
			exchange.sendResponseHeaders(200, 0);
			try (OutputStream out = exchange.getResponseBody()) {
				out.flush();
				sleep(1200);
				java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out, true);
				gzip.write("data: {\"n\":1}\n\n".getBytes(StandardCharsets.UTF_8));
				gzip.finish();
				gzip.flush();
			}
		});
		this.server.createContext("/slow", (exchange) -> {
			sleep(5000);
			respond(exchange, 200, "slow");
		});
		this.server.createContext("/reset", (exchange) -> exchange.close());
		this.server.createContext("/redirect", (exchange) -> {
			exchange.getResponseHeaders().add("Location", "http://elsewhere.example.com/next");
			respond(exchange, 302, "");
		});
		this.server.createContext("/redirect-self", (exchange) -> {
			exchange.getResponseHeaders().add("Location", url() + "/next");
			respond(exchange, 302, "");
		});
		this.server.createContext("/next", (exchange) -> {
			count(exchange);
			respond(exchange, 200, "{}");
		});
		this.server.createContext("/body-size", (exchange) -> {
			count(exchange);
			int received = exchange.getRequestBody().readAllBytes().length; // fails on a truncated chunked body
			this.completeBodies.incrementAndGet();
			respond(exchange, 200, "{\"received\":" + received + "}");
		});
		this.server.createContext("/status/", (exchange) -> {
			String path = exchange.getRequestURI().getPath();
			int status = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
			count(exchange);
			exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
			if (status == 401) {
				exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"backend\"");
			}
			respond(exchange, status, (status == 202 || status == 204) ? "" : "{\"status\":" + status + "}");
		});
		this.server.start();
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	public int openStreams() {
		return this.openStreams.get();
	}

	public int closedStreams() {
		return this.closedStreams.get();
	}

	/** How many {@code /held-events} streams are open. */
	public int heldStreams() {
		return this.heldStreams.get();
	}

	/** How many {@code /body-size} request bodies arrived whole. */
	public int completeBodies() {
		return this.completeBodies.get();
	}

	/** How many requests reached this path. */
	public int requests(String path) {
		return this.requests.computeIfAbsent(path, (p) -> new AtomicInteger()).get();
	}

	private void count(HttpExchange exchange) {
		this.requests.computeIfAbsent(exchange.getRequestURI().getPath(), (p) -> new AtomicInteger()).incrementAndGet();
	}

	/** Drops the TCP connection mid-response (the JDK server has no reset; closing the socket's streams does). */
	private static void closeConnection(HttpExchange exchange) {
		try {
			exchange.getResponseBody().close();
		}
		catch (IOException ex) {
			// a short body: the server closes the connection, which is the point
		}
	}

	private void events(HttpExchange exchange, long firstDelayMillis) throws IOException {
		exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
		exchange.getResponseHeaders().add("Cache-Control", "no-cache");
		exchange.sendResponseHeaders(200, 0);
		this.openStreams.incrementAndGet();
		try (OutputStream out = exchange.getResponseBody()) {
			out.flush(); // the JDK server holds the headers back until the first flush
			sleep(firstDelayMillis);
			for (int i = 0; i < 600; i++) {
				out.write(("id: " + i + "\ndata: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
				out.flush();
				sleep(100);
			}
		}
		catch (IOException ex) {
			// the gateway closed the connection: exactly what the disconnect test waits for
		}
		finally {
			this.openStreams.decrementAndGet();
			this.closedStreams.incrementAndGet();
		}
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		if (!body.isEmpty()) {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
		}
		exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
