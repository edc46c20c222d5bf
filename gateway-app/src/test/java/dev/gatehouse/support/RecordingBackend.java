package dev.gatehouse.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A backend at {@code http://127.0.0.1:<port>} that answers {@code 200 {"ok":true}} to any method and
 * path, and records every request it receives: method, raw path and headers (lower-case names). Tests
 * compare {@link #hits()} before and after a request to prove what reached it, and where.
 */
public final class RecordingBackend implements AutoCloseable {

	/** One received request. */
	public record Hit(String method, String rawPath, Map<String, List<String>> headers) {
	}

	private final List<Hit> hits = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	public RecordingBackend() {
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		this.server.createContext("/", (exchange) -> {
			Map<String, List<String>> headers = new TreeMap<>();
			exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
			this.hits.add(new Hit(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers));
			exchange.getRequestBody().readAllBytes();
			byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.start();
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** host:port, as the gateway must send it in {@code Host}. */
	public String authority() {
		return "127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** Every request received so far, oldest first (a live, thread-safe list). */
	public List<Hit> hits() {
		return this.hits;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
