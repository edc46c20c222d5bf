package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.support.RawHttp;
import dev.gatehouse.support.RawSocketBackend;
import dev.gatehouse.support.StreamingTestBackend;
import dev.gatehouse.support.GatewayUnderTest;
import dev.gatehouse.support.TestIdp;

/**
 * The proxy against a backend that misbehaves on purpose: endless SSE streams and client
 * disconnects (spring-cloud-gateway gh-3999), slow headers, redirects, pass-through statuses.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT)
class ProxyIntegrationTests {

	static final TestIdp idp = new TestIdp();

	static final StreamingTestBackend backend = new StreamingTestBackend();

	static final RawSocketBackend broken = new RawSocketBackend();

	static final GatewayUnderTest gateway = new GatewayUnderTest();

	static final int port = gateway.port();

	static final String origin = gateway.origin();

	static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Autowired
	MeterRegistry registry;

	@Autowired
	dev.gatehouse.routing.StreamingProxyExchange exchange;

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		gateway.register(registry, idp);
		registry.add("gatehouse.upstream.response-timeout", () -> "1s");
		registry.add("gatehouse.upstream.sse-heartbeat", () -> "500ms");
		registry.add("gatehouse.upstream.max-request-body", () -> "64KB");
		registry.add("gatehouse.routes.backend.path", () -> "/mcp/backend");
		registry.add("gatehouse.routes.backend.upstream", backend::url);
		registry.add("gatehouse.routes.backend.issuers[0]", () -> "corp");
		registry.add("gatehouse.routes.broken.path", () -> "/mcp/broken");
		registry.add("gatehouse.routes.broken.upstream", broken::url);
		registry.add("gatehouse.routes.broken.issuers[0]", () -> "corp");
		registry.add("gatehouse.routes.broken.allowed-audiences[0]", () -> origin + "/mcp/backend");
	}

	@AfterAll
	static void stop() {
		backend.close();
		broken.close();
		idp.close();
	}

	@BeforeEach
	void awaitIssuerKeys() throws Exception {
		for (int i = 0; i < 100 && send(request("/status/200").GET()).statusCode() == 503; i++) {
			Thread.sleep(100);
		}
	}

	@Test
	void sseStreamWhenClientDisconnectsThenUpstreamStreamIsClosedPromptly() throws Exception {
		int closedBefore = backend.closedStreams();
		HttpResponse<InputStream> response = http.send(request("/events").header("Accept", "text/event-stream").GET().build(),
				HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
		int events = 0;
		for (String line; events < 3 && (line = reader.readLine()) != null;) {
			if (line.startsWith("data:")) {
				events++;
			}
		}
		assertThat(events).isEqualTo(3);
		assertThat(activeStreams()).isEqualTo(1);
		response.body().close();
		long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		while (backend.closedStreams() == closedBefore && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		// drained instead of closed (gh-3999), the backend would stream on for a minute
		assertThat(backend.closedStreams()).isEqualTo(closedBefore + 1);
		while (activeStreams() != 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(activeStreams()).isZero();
	}

	@Test
	void sseStreamWhenClientLeavesWhileUpstreamIsSilentThenHeartbeatNoticesAndClosesIt() throws Exception {
		HttpResponse<InputStream> response = http.send(request("/idle-events").GET().build(),
				HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(activeStreams()).isEqualTo(1);
		response.body().close();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (activeStreams() != 0 && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		// without heartbeats the relay would wait for the upstream's next byte: 30 s
		assertThat(activeStreams()).isZero();
	}

	@Test
	void requestWhenUpstreamFailsAfterBytesReachedClientThenClientSeesTruncationAndUpstreamGotOneRequest()
			throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(origin + "/mcp/broken/truncated-large"))
			.timeout(Duration.ofSeconds(5))
			.header("Authorization", "Bearer " + token())
			.GET()
			.build();
		assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
			.isInstanceOf(java.io.IOException.class)
			.isNotInstanceOf(java.net.http.HttpTimeoutException.class);
		Thread.sleep(300);
		// an error dispatch must never send the request upstream a second time (unauthenticated)
		assertThat(broken.requests("/truncated-large")).isEqualTo(1);
	}

	@Test
	void requestWhenUpstreamFailsBeforeAnythingReachedClientThen502AndUpstreamGotOneRequest() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(origin + "/mcp/broken/truncated"))
			.timeout(Duration.ofSeconds(5))
			.header("Authorization", "Bearer " + token())
			.GET());
		assertThat(response.statusCode()).isEqualTo(502);
		Thread.sleep(300);
		assertThat(broken.requests("/truncated")).isEqualTo(1);
	}

	@Test
	void requestWhenUpstreamFailsBeforeFirstByteThen502AndUpstreamGotOneRequest() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(origin + "/mcp/broken/headers-then-reset"))
			.timeout(Duration.ofSeconds(5))
			.header("Authorization", "Bearer " + token())
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}")));
		assertThat(response.statusCode()).isEqualTo(502);
		assertThat(JsonMapper.builder().build().readTree(response.body()).get("id").asInt()).isEqualTo(9);
		Thread.sleep(300);
		assertThat(broken.requests("/headers-then-reset")).isEqualTo(1);
	}

	@Test
	void requestWhenUpstreamStallsMidBodyThen504WithinTheResponseTimeout() throws Exception {
		long start = System.nanoTime();
		HttpResponse<String> response = send(request("/stall-body").GET());
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void requestWhenUpstreamAnswers401ThenClientGets502WithoutTheBackendsChallenge() throws Exception {
		HttpResponse<String> response = send(request("/status/401").GET());
		assertThat(response.statusCode()).isEqualTo(502);
		assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
		assertThat(response.body()).contains("refused the gateway");
	}

	@Test
	void responseWhenUpstreamSendsCorsHeadersThenTheyAreDropped() throws Exception {
		HttpResponse<String> response = send(request("/status/200").GET());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	@Test
	void requestWhenQueryHasBrokenEscapeThen400NotServerError() throws Exception {
		String response = RawHttp.send(port, "GET /mcp/backend/status/200?a=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				+ "Authorization: Bearer " + token() + "\r\nConnection: close\r\n\r\n");
		assertThat(RawHttp.status(response)).isEqualTo(400);
		assertThat(response).contains("-32600");
	}

	@Test
	void conditionalGetWhenAnswered304ByTheGatewayThenUpstreamStreamIsStillClosed() throws Exception {
		int closedBefore = backend.closedStreams();
		HttpResponse<String> response = send(request("/etag-events").header("If-None-Match", "\"v1\"").GET());
		assertThat(response.statusCode()).isEqualTo(304);
		long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		while (backend.closedStreams() == closedBefore && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(backend.closedStreams()).isEqualTo(closedBefore + 1);
	}

	@Test
	void sseStreamWhenCompressedThenNoHeartbeatIsInsertedIntoIt() throws Exception {
		HttpResponse<byte[]> response = http.send(request("/gzip-events").header("Accept-Encoding", "gzip").GET().build(),
				HttpResponse.BodyHandlers.ofByteArray());
		assertThat(response.statusCode()).isEqualTo(200);
		byte[] body = response.body();
		// the 1.2 s silence is longer than the 500 ms heartbeat: a heartbeat would precede the gzip header
		assertThat(body[0] & 0xFF).isEqualTo(0x1F);
		assertThat(body[1] & 0xFF).isEqualTo(0x8B);
		String text = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes(),
				java.nio.charset.StandardCharsets.UTF_8);
		assertThat(text).isEqualTo("data: {\"n\":1}\n\n");
	}

	@Test
	void shutdownWhenGetStreamsOpenThenTheyAreClosedBeforeGracefulShutdownWaits() throws Exception {
		int closedBefore = backend.closedStreams();
		HttpResponse<InputStream> response = http.send(request("/events").header("Accept", "text/event-stream").GET().build(),
				HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.exchange.getPhase()).isGreaterThan(org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 1024);
		this.exchange.stop();
		try {
			// the client sees its stream end (and would reconnect with Last-Event-ID); the upstream sees it closed
			long start = System.nanoTime();
			response.body().readAllBytes();
			// the stream ended at once; left open, the backend would stream on for a minute
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			while (backend.closedStreams() == closedBefore && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(backend.closedStreams()).isEqualTo(closedBefore + 1);
		}
		finally {
			this.exchange.start();
		}
	}

	@Test
	void sseStreamWhenFirstEventIsLateThenHeadersArriveAtOnce() throws Exception {
		long start = System.nanoTime();
		HttpResponse<InputStream> response = http.send(request("/late-events").GET().build(),
				HttpResponse.BodyHandlers.ofInputStream());
		long headersMillis = (System.nanoTime() - start) / 1_000_000;
		response.body().close();
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(headersMillis).isLessThan(1500);
	}

	@Test
	void requestWhenUpstreamSendsNoHeadersInTimeThen504JsonRpcError() throws Exception {
		HttpResponse<String> response = send(request("/slow").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"tools/list\"}")));
		assertThat(response.statusCode()).isEqualTo(504);
		JsonNode body = JsonMapper.builder().build().readTree(response.body());
		assertThat(body.get("id").asString()).isEqualTo("abc");
		assertThat(body.get("error").get("message").asString()).isEqualTo("Upstream MCP server timed out");
	}

	@Test
	void requestWhenUpstreamClosesWithoutResponseThen502JsonRpcError() throws Exception {
		HttpResponse<String> response = send(request("/reset").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}")));
		assertThat(response.statusCode()).isEqualTo(502);
		JsonNode body = JsonMapper.builder().build().readTree(response.body());
		assertThat(body.get("id").asInt()).isEqualTo(7);
		assertThat(body.get("error").get("code").asInt()).isEqualTo(-32001);
	}

	@Test
	void metadataWhenPreflightedFromAnyOriginThenAnsweredWithoutToken() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(
				URI.create(origin + "/.well-known/oauth-protected-resource/mcp/backend"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", "https://app.example.org")
			.header("Access-Control-Request-Method", "GET"));
		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
		assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("GET");
	}

	@Test
	void requestWhenUpstreamRedirectsThenRedirectIsPassedThroughNotFollowed() throws Exception {
		HttpResponse<String> response = send(request("/redirect").GET());
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location")).contains("http://elsewhere.example.com/next");
	}

	@Test
	void requestWhenUpstreamRedirectsToItselfThenLocationIsNotRewrittenIntoThePublicOrigin() throws Exception {
		HttpResponse<String> response = send(request("/redirect-self").GET());
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location")).contains(backend.url() + "/next");
		assertThat(backend.requests("/next")).isZero();
	}

	@Test
	void requestWhenDeclaredBodyExceedsLimitThen413JsonRpcErrorAndUpstreamNeverCalled() throws Exception {
		int before = backend.requests("/body-size");
		HttpResponse<String> response = send(request("/body-size").POST(HttpRequest.BodyPublishers.ofString(jsonRpc(7, 70_000))));
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32600,"
				+ "\"message\":\"Request body exceeds the gateway's limit of 65536 bytes\"}}");
		assertThat(backend.requests("/body-size")).isEqualTo(before);
	}

	@Test
	void requestWhenChunkedBodyExceedsLimitThen413AndUpstreamNeverGetsItWhole() throws Exception {
		int before = backend.completeBodies();
		HttpResponse<String> response = send(request("/body-size").POST(chunked(jsonRpc("a-1", 200_000))));
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains("\"id\":\"a-1\"", "\"code\":-32600");
		Thread.sleep(200);
		assertThat(backend.completeBodies()).isEqualTo(before);
	}

	@Test
	void requestWhenChunkedBodyWithinLimitThenForwardedWhole() throws Exception {
		String body = jsonRpc(8, 60_000);
		HttpResponse<String> response = send(request("/body-size").POST(chunked(body)));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"received\":" + body.length() + "}");
	}

	@Test
	void requestWhenUpstreamAnswersMcpStatusesThenTheyPassThroughUnchanged() throws Exception {
		for (int status : new int[] { 202, 400, 404, 405, 406 }) {
			HttpResponse<String> response = send(request("/status/" + status).POST(HttpRequest.BodyPublishers.ofString("{}")));
			assertThat(response.statusCode()).as("status %d", status).isEqualTo(status);
		}
		HttpResponse<String> deleted = send(request("/status/204").DELETE());
		assertThat(deleted.statusCode()).isEqualTo(204);
		assertThat(this.registry.get(GatehouseMeters.UPSTREAM_REQUESTS).tags("route", "backend", "status", "404").counter()
			.count()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void httpServerMetricsWhenRouteServedThenTaggedWithRouteId() throws Exception {
		send(request("/status/200").GET());
		assertThat(this.registry.get("http.server.requests").tag("gatehouse.route", "backend").timers()).isNotEmpty();
	}

	private int activeStreams() {
		return (int) this.registry.get(GatehouseMeters.SSE_ACTIVE).tag("route", "backend").gauge().value();
	}

	static HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(origin + "/mcp/backend" + path))
			.timeout(Duration.ofSeconds(20))
			.header("Authorization", "Bearer " + token());
	}

	static String token() {
		return idp.token().audience(origin + "/mcp/backend").sign();
	}

	/** A JSON-RPC request padded to about {@code size} bytes. */
	static String jsonRpc(Object id, int size) {
		String quotedId = (id instanceof String) ? "\"" + id + "\"" : id.toString();
		return "{\"jsonrpc\":\"2.0\",\"id\":" + quotedId + ",\"method\":\"tools/call\",\"params\":{\"pad\":\""
				+ "x".repeat(size) + "\"}}";
	}

	/** No length known up front: the JDK client sends it with {@code Transfer-Encoding: chunked}. */
	static HttpRequest.BodyPublisher chunked(String body) {
		return HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
