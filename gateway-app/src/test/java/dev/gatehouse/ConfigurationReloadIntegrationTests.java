package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.support.ConfigMapVolume;
import dev.gatehouse.support.RecordingBackend;
import dev.gatehouse.support.StreamingTestBackend;
import dev.gatehouse.support.TestIdp;

/**
 * Live configuration reload of a running gateway whose whole {@code gatehouse} configuration comes
 * from one file, mounted the way the kubelet mounts a ConfigMap ({@link ConfigMapVolume}: updates
 * swap a {@code ..data} link, the file itself is never written) and polled every 200 ms. Ordered:
 * each test starts from the configuration the previous one left in force. The context is closed
 * afterwards: its IdPs are gone, and a cached context would keep polling the file and refreshing keys
 * (logging outages into other tests' captured output).
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT,
		properties = { "spring.config.additional-location=file:" + ConfigurationReloadIntegrationTests.FILE,
				"gatehouse.reload.poll-interval=200ms" })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class ConfigurationReloadIntegrationTests {

	static final String FILE = "target/reload-tests/config/gatehouse.yaml";

	static final TestIdp corp = new TestIdp();

	static final TestIdp partner = new TestIdp();

	static final RecordingBackend backendA = new RecordingBackend();

	static final RecordingBackend backendB = new RecordingBackend();

	static final StreamingTestBackend streamA = new StreamingTestBackend();

	static final StreamingTestBackend streamB = new StreamingTestBackend();

	static final int port = GatewayIntegrationTests.freePort();

	static final int managementPort = GatewayIntegrationTests.freePort();

	static final String origin = "http://127.0.0.1:" + port;

	static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	static final JsonMapper json = JsonMapper.builder().build();

	/** Before any Spring context: Boot reads the file at start-up. */
	static final ConfigMapVolume volume = new ConfigMapVolume(Path.of(FILE).getParent(), "gatehouse.yaml",
			initial());

	@Autowired
	MeterRegistry registry;

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> port);
		registry.add("management.server.port", () -> managementPort);
	}

	@AfterAll
	static void stop() {
		backendA.close();
		backendB.close();
		streamA.close();
		streamB.close();
		corp.close();
		partner.close();
	}

	/** alpha -> A (needs mcp:read), beta -> A, stream -> stream A; issuer corp only. */
	static String initial() {
		return """
				gatehouse:
				  public-url: %s
				  issuers:
				    corp:
				      discovery-url: %s
				  routes:
				    alpha:
				      path: /mcp/alpha
				      upstream: %s/alpha
				      issuers: [corp]
				      required-scopes: [mcp:read]
				    beta:
				      path: /mcp/beta
				      upstream: %s/beta
				      issuers: [corp]
				    stream:
				      path: /mcp/stream
				      upstream: %s
				      issuers: [corp]
				""".formatted(origin, corp.discoveryUrl(), backendA.url(), backendA.url(), streamA.url());
	}

	/**
	 * alpha moves to B and needs mcp:write; beta is gone; gamma (on B) is new and also trusts the new
	 * issuer partner; corp is unchanged.
	 */
	static String moved(String streamUpstream, String alphaUpstream) {
		return """
				gatehouse:
				  public-url: %s
				  issuers:
				    corp:
				      discovery-url: %s
				    partner:
				      discovery-url: %s
				  routes:
				    alpha:
				      path: /mcp/alpha
				      upstream: %s/alpha
				      issuers: [corp]
				      required-scopes: [mcp:write]
				    gamma:
				      path: /mcp/gamma
				      upstream: %s/gamma
				      issuers: [corp, partner]
				    stream:
				      path: /mcp/stream
				      upstream: %s
				      issuers: [corp]
				""".formatted(origin, corp.discoveryUrl(), partner.discoveryUrl(), alphaUpstream, backendB.url(),
				streamUpstream);
	}

	@Test
	@Order(1)
	void reloadWhenValidUnderTrafficThenSwappedWithNoFailedRequest() throws Exception {
		awaitStatus(() -> call("/mcp/alpha", corpToken("/mcp/alpha", "mcp:read mcp:write")), 200);
		int corpDiscovery = corp.discoveryFetches();
		int corpJwks = corp.jwksFetches();
		double successes = reloads("success");

		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger before = new AtomicInteger();
		AtomicInteger after = new AtomicInteger();
		List<String> unexpected = new CopyOnWriteArrayList<>();
		List<Thread> clients = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			clients.add(Thread.ofVirtual().start(() -> {
				// each answer belongs to the old (0) or the new (1) configuration; once a client has seen
				// the new one, it must never see the old one again
				int generation = 0;
				while (running.get()) {
					try {
						int[] seen = { generation(call("/mcp/beta", corpToken("/mcp/beta", null)), 200, 404),
								generation(call("/mcp/gamma", corpToken("/mcp/gamma", null)), 404, 200),
								generation(call("/mcp/gamma", partner.token().audience(origin + "/mcp/gamma").sign()), 404, 200),
								// alpha answers 200 in both: the token has the old and the new required scope
								generation(call("/mcp/alpha", corpToken("/mcp/alpha", "mcp:read mcp:write")), 200, 200) };
						for (int answer : seen) {
							if (answer < 0 || (answer == 0 && generation == 1)) {
								unexpected.add("round " + java.util.Arrays.toString(seen) + " after generation " + generation);
							}
							else if (answer != BOTH) {
								generation = Math.max(generation, answer);
							}
						}
						((generation == 1) ? after : before).incrementAndGet();
					}
					catch (Exception ex) {
						unexpected.add(ex.toString());
					}
				}
			}));
		}
		Thread.sleep(1000);
		volume.update(moved(streamA.url(), backendB.url()));
		awaitCount(() -> reloads("success"), successes + 1);
		Thread.sleep(1000);
		running.set(false);
		for (Thread client : clients) {
			client.join();
		}
		System.out.printf("Reload under traffic: %d rounds before the swap, %d after, unexpected: %s%n", before.get(),
				after.get(), unexpected);
		assertThat(unexpected).isEmpty();
		assertThat(before.get()).isPositive();
		assertThat(after.get()).isPositive();

		// the new configuration is in force: alpha reaches B only, with its new scope; beta is gone
		int alphaOnA = hits(backendA, "/alpha");
		int alphaOnB = hits(backendB, "/alpha");
		for (int i = 0; i < 5; i++) {
			assertThat(call("/mcp/alpha", corpToken("/mcp/alpha", "mcp:write"))).isEqualTo(200);
		}
		assertThat(hits(backendA, "/alpha")).isEqualTo(alphaOnA);
		assertThat(hits(backendB, "/alpha")).isEqualTo(alphaOnB + 5);
		assertThat(call("/mcp/alpha", corpToken("/mcp/alpha", "mcp:read"))).isEqualTo(403);
		assertThat(call("/mcp/beta", corpToken("/mcp/beta", null))).isEqualTo(404);
		assertThat(hits(backendB, "/gamma")).isPositive();

		// corp was unchanged: its instance, keys and all, carried over with no new fetch
		System.out.printf("corp fetches: discovery %d -> %d, JWKS %d -> %d; partner: discovery %d, JWKS %d%n",
				corpDiscovery, corp.discoveryFetches(), corpJwks, corp.jwksFetches(), partner.discoveryFetches(),
				partner.jwksFetches());
		assertThat(corp.discoveryFetches()).isEqualTo(corpDiscovery);
		assertThat(corp.jwksFetches()).isEqualTo(corpJwks);
		assertThat(partner.discoveryFetches()).isEqualTo(1);
		assertThat(partner.jwksFetches()).isEqualTo(1);
	}

	private static final int BOTH = 2;

	/** @return 0 for the old configuration's answer, 1 for the new one's, {@link #BOTH}, or -1 for another */
	private static int generation(int status, int old, int fresh) {
		if (status == old && status == fresh) {
			return BOTH;
		}
		return (status == old) ? 0 : (status == fresh) ? 1 : -1;
	}

	@Test
	@Order(2)
	void sseStreamWhenRouteUpstreamMovesThenKeepsItsUpstream() throws Exception {
		double successes = reloads("success");
		HttpResponse<InputStream> stream = open("/mcp/stream/events");
		try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
			List<Integer> ids = new ArrayList<>(readEventIds(events, 2));
			assertThat(streamA.openStreams()).isEqualTo(1);

			volume.update(moved(streamB.url(), backendB.url()));
			awaitCount(() -> reloads("success"), successes + 1);

			// a new stream goes to the new upstream ...
			HttpResponse<InputStream> fresh = open("/mcp/stream/events");
			try (BufferedReader freshEvents = new BufferedReader(new InputStreamReader(fresh.body(), StandardCharsets.UTF_8))) {
				assertThat(readEventIds(freshEvents, 1)).containsExactly(0);
			}
			assertThat(streamB.openStreams()).isEqualTo(1);
			// ... while the one in flight carries on from its own, uninterrupted
			ids.addAll(readEventIds(events, 5));
			System.out.println("Event ids of the stream opened before the reload: " + ids);
			for (int i = 1; i < ids.size(); i++) {
				assertThat(ids.get(i)).isEqualTo(ids.get(i - 1) + 1);
			}
			assertThat(streamA.openStreams()).isEqualTo(1);
			assertThat(streamA.closedStreams()).isZero();
		}
	}

	@Test
	@Order(3)
	void reloadWhenInvalidThenRefusedAndPreviousConfigurationServes(CapturedOutput output) throws Exception {
		double failures = reloads("failure");
		double successes = reloads("success");
		String invalid = moved(streamB.url(), backendB.url()).replace("issuers: [corp]\n      required-scopes",
				"issuers: [nobody]\n      required-scopes")
			.replace(backendB.url() + "/gamma", "ftp://backend.example.com/gamma");
		volume.update(invalid);
		awaitCount(() -> reloads("failure"), failures + 1);
		assertThat(reloads("success")).isEqualTo(successes);

		String refusal = output.getAll()
			.lines()
			.filter((line) -> line.contains("Configuration reload refused"))
			.reduce((first, second) -> second)
			.orElseThrow();
		int at = output.getAll().lastIndexOf(refusal);
		String logged = output.getAll().substring(at);
		System.out.println("Logged: " + logged.lines().limit(4).toList());
		assertThat(logged).contains("gatehouse.routes.alpha.issuers[0]: unknown issuer 'nobody'");
		assertThat(logged).contains("gatehouse.routes.gamma.upstream: must be an absolute http(s) URL");

		// the previous configuration still serves
		int alphaOnB = hits(backendB, "/alpha");
		assertThat(call("/mcp/alpha", corpToken("/mcp/alpha", "mcp:write"))).isEqualTo(200);
		assertThat(hits(backendB, "/alpha")).isEqualTo(alphaOnB + 1);
		assertThat(call("/mcp/gamma", corpToken("/mcp/gamma", null))).isEqualTo(200);

		JsonNode health = json.readTree(management("/actuator/health").body());
		JsonNode reload = health.at("/components/configuration/details/lastReload");
		System.out.println("configuration health: " + health.at("/components/configuration"));
		assertThat(health.at("/components/configuration/status").asString()).isEqualTo("UP");
		assertThat(reload.at("/result").asString()).isEqualTo("failure");
		assertThat(reload.at("/problems").toString()).contains("gatehouse.routes.alpha.issuers[0]")
			.contains("gatehouse.routes.gamma.upstream");
		assertThat(management("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(management("/actuator/prometheus").body().lines()
			.filter((line) -> line.startsWith("gatehouse_config_reloads_total{") && line.contains("result=\"failure\"")))
			.hasSize(1);
		assertThat(management("/actuator/prometheus").body()).contains("gatehouse_config_active_since_seconds");

		// a valid file after the invalid one is applied: alpha back on A
		volume.update(moved(streamB.url(), backendA.url()));
		awaitCount(() -> reloads("success"), successes + 1);
		int alphaOnA = hits(backendA, "/alpha");
		assertThat(call("/mcp/alpha", corpToken("/mcp/alpha", "mcp:write"))).isEqualTo(200);
		assertThat(hits(backendA, "/alpha")).isEqualTo(alphaOnA + 1);
		assertThat(json.readTree(management("/actuator/health").body())
			.at("/components/configuration/details/lastReload/result")
			.asString()).isEqualTo("success");
	}

	@Test
	@Order(4)
	void reloadWhenNewIssuerCannotBeResolvedThenRefusedNamingIt(CapturedOutput output) throws Exception {
		double failures = reloads("failure");
		String current = moved(streamB.url(), backendA.url());
		String unresolvable = current
			.replace("      discovery-url: " + partner.discoveryUrl() + "\n", "      discovery-url: " + partner.discoveryUrl()
					+ "\n    down:\n      discovery-url: http://127.0.0.1:1/.well-known/openid-configuration\n")
			.replace("issuers: [corp, partner]", "issuers: [corp, partner, down]");
		assertThat(unresolvable).contains("down:").contains("[corp, partner, down]");
		volume.update(unresolvable);
		awaitCount(() -> reloads("failure"), failures + 1);

		String logged = output.getAll().substring(output.getAll().lastIndexOf("Configuration reload refused"));
		System.out.println("Logged: " + logged.lines().limit(2).toList());
		assertThat(logged).contains("gatehouse.issuers.down: issuer cannot be resolved (discovery and keys)");
		assertThat(json.readTree(management("/actuator/health").body())
			.at("/components/configuration/details/lastReload/problems")
			.toString()).contains("gatehouse.issuers.down");
		// gamma still trusts exactly corp and partner
		assertThat(call("/mcp/gamma", partner.token().audience(origin + "/mcp/gamma").sign())).isEqualTo(200);
		assertThat(management("/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

	private double reloads(String result) {
		Counter counter = this.registry.find(GatehouseMeters.CONFIG_RELOADS).tag("result", result).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static void awaitCount(DoubleSupplier count, double expected) throws InterruptedException {
		for (int i = 0; i < 200 && count.getAsDouble() < expected; i++) {
			Thread.sleep(50);
		}
		assertThat(count.getAsDouble()).isEqualTo(expected);
	}

	private static void awaitStatus(java.util.concurrent.Callable<Integer> call, int status) throws Exception {
		for (int i = 0; i < 100 && call.call() != status; i++) {
			Thread.sleep(100);
		}
	}

	private static String corpToken(String path, String scope) {
		var token = corp.token().audience(origin + path);
		return ((scope != null) ? token.scope(scope) : token).sign();
	}

	private static int call(String path, String token) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(origin + path))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static HttpResponse<InputStream> open(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(origin + path))
			.header("Authorization", "Bearer " + corpToken("/mcp/stream", null))
			.header("Accept", "text/event-stream")
			.GET()
			.build();
		HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		return response;
	}

	private static List<Integer> readEventIds(BufferedReader events, int count) throws Exception {
		List<Integer> ids = new ArrayList<>();
		String line;
		while (ids.size() < count && (line = events.readLine()) != null) {
			if (line.startsWith("id: ")) {
				ids.add(Integer.parseInt(line.substring(4).trim()));
			}
		}
		return ids;
	}

	private static int hits(RecordingBackend backend, String path) {
		return (int) backend.hits().stream().filter((hit) -> hit.rawPath().equals(path)).count();
	}

	private static HttpResponse<String> management(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
