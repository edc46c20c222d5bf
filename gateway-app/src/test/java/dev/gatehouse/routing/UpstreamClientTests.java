package dev.gatehouse.routing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import dev.gatehouse.support.RawSocketBackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link UpstreamClient} against a JDK HTTP server and a raw socket: keep-alive reuse, nothing added
 * to the request, the silence limit lifted for event streams only, and a stalled upload cut off.
 */
class UpstreamClientTests {

	private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(500);

	private static final int LARGE_HEADER = 6 * ConnectionBuffers.UPSTREAM_BUFFER;

	private static final int LARGE_BODY = 64 * ConnectionBuffers.UPSTREAM_BUFFER;

	private static HttpServer server;

	private static final RawSocketBackend raw = new RawSocketBackend();

	private static final List<String> remotePorts = new CopyOnWriteArrayList<>();

	private static final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

	private final UpstreamClient client = new UpstreamClient(Duration.ofSeconds(1), RESPONSE_TIMEOUT);

	@BeforeAll
	static void start() throws IOException {
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		server.createContext("/json", (exchange) -> {
			remotePorts.add(String.valueOf(exchange.getRemoteAddress().getPort()));
			lastHeaders.clear();
			exchange.getRequestHeaders().forEach((name, values) -> lastHeaders.put(name.toLowerCase(), String.join(",", values)));
			exchange.getRequestBody().readAllBytes();
			respond(exchange, "application/json", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
		});
		// two events with a pause longer than the response timeout between them
		server.createContext("/events", (exchange) -> slow(exchange, "text/event-stream"));
		// a header line and a body far longer than the client's 4 KiB connection buffers
		server.createContext("/large", (exchange) -> {
			exchange.getResponseHeaders().set("X-Large", "h".repeat(LARGE_HEADER));
			respond(exchange, "application/json", "b".repeat(LARGE_BODY).getBytes(StandardCharsets.UTF_8));
		});
		server.createContext("/slow-json", (exchange) -> slow(exchange, "application/json"));
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.start();
	}

	@AfterAll
	static void stop() {
		server.stop(0);
		raw.close();
	}

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void sendWhenBodiesReadToTheEndThenOneConnectionServesThemAll() throws Exception {
		remotePorts.clear();
		for (int i = 0; i < 3; i++) {
			try (InputStream body = send("/json").body()) {
				assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
			}
		}
		assertThat(remotePorts).hasSize(3);
		assertThat(remotePorts.stream().distinct()).hasSize(1);
	}

	@Test
	void sendWhenForwardingThenNothingIsAddedToTheRequest() throws Exception {
		HttpHeaders headers = new HttpHeaders();
		headers.add("Accept", "application/json, text/event-stream");
		headers.add("Mcp-Session-Id", "s-1");
		byte[] payload = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
		try (InputStream body = this.client
			.send("POST", uri("/json"), headers, new ByteArrayInputStream(payload), payload.length, TraceHeaders.NONE)
			.body()) {
			body.readAllBytes();
		}
		assertThat(lastHeaders).containsEntry("content-length", String.valueOf(payload.length))
			.containsEntry("mcp-session-id", "s-1")
			.containsEntry("accept", "application/json, text/event-stream")
			.doesNotContainKeys("user-agent", "upgrade", "accept-encoding", "expect", "cookie", "authorization");
	}

	@Test
	void sendWhenHeaderLineAndBodyExceedTheConnectionBuffersThenBothArriveWhole() throws Exception {
		UpstreamClient.Response response = send("/large");
		try (InputStream body = response.body()) {
			assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("b".repeat(LARGE_BODY));
		}
		assertThat(response.headers().getFirst("X-Large")).isEqualTo("h".repeat(LARGE_HEADER));
	}

	@Test
	void readWhenEventStreamIsSilentLongerThanTheResponseTimeoutThenItStaysOpen() throws Exception {
		UpstreamClient.Response response = send("/events");
		try (InputStream body = response.body()) {
			assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: 1\n\ndata: 2\n\n");
		}
	}

	@Test
	void readWhenOtherBodyIsSilentLongerThanTheResponseTimeoutThenTimesOut() throws Exception {
		UpstreamClient.Response response = send("/slow-json");
		try (InputStream body = response.body()) {
			IOException failure = catchThrowableOfType(IOException.class, body::readAllBytes);
			assertThat(UpstreamFailure.of(failure)).isEqualTo(UpstreamFailure.TIMEOUT);
		}
	}

	@Test
	void sendWhenUpstreamStopsReadingTheBodyThenCutOffAtTheResponseTimeout() {
		// far more than the socket buffers hold: the write blocks once the backend stops reading
		byte[] payload = new byte[16 * 1024 * 1024];
		long start = System.nanoTime();
		IOException failure = catchThrowableOfType(IOException.class, () -> this.client.send("POST",
				URI.create(raw.url() + "/never-reads"), new HttpHeaders(), new ByteArrayInputStream(payload),
				payload.length, TraceHeaders.NONE));
		long millis = (System.nanoTime() - start) / 1_000_000;
		assertThat(UpstreamFailure.of(failure)).isEqualTo(UpstreamFailure.TIMEOUT);
		assertThat(millis).isBetween(RESPONSE_TIMEOUT.toMillis(), 5_000L);
	}

	@Test
	void closeWhenBodyNotReadToTheEndThenReturnsWithoutDrainingIt() throws Exception {
		long start = System.nanoTime();
		UpstreamClient.Response response = send("/events");
		response.body().read();
		response.body().close();
		// draining would have waited for the second event
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(RESPONSE_TIMEOUT);
	}

	private UpstreamClient.Response send(String path) throws IOException {
		return this.client.send("GET", uri(path), new HttpHeaders(), null, -1, TraceHeaders.NONE);
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
	}

	private static void slow(HttpExchange exchange, String type) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", type);
		exchange.sendResponseHeaders(200, 0);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write("data: 1\n\n".getBytes(StandardCharsets.UTF_8));
			out.flush();
			Thread.sleep(RESPONSE_TIMEOUT.multipliedBy(2));
			out.write("data: 2\n\n".getBytes(StandardCharsets.UTF_8));
		}
		catch (InterruptedException | IOException ex) {
			// the client left
		}
	}

	private static void respond(HttpExchange exchange, String type, byte[] body) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", type);
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
