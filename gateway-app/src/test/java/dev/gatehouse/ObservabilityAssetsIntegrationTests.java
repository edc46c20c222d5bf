package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.support.McpTestServer;
import dev.gatehouse.support.GatewayUnderTest;
import dev.gatehouse.support.TestIdp;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code docs/observability/} against what
 * Gatehouse really exports: every metric a panel, variable or alert reads must be in a scrape of a
 * running Gatehouse that has served traffic, so a renamed meter cannot leave a dashboard blank or an
 * alert silent. With {@code promtool} on the PATH (Debian's {@code prometheus} package, which
 * {@code .ci/run} installs), the rules are also checked and their unit tests run.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT)
class ObservabilityAssetsIntegrationTests {

	static final TestIdp idp = new TestIdp();

	static final McpTestServer mcp = new McpTestServer();

	static final GatewayUnderTest gateway = new GatewayUnderTest();

	static final int port = gateway.port();

	static final String origin = gateway.origin();

	static final Pattern METRIC = Pattern.compile("\\b((?:gatehouse|jvm|process|http|tomcat|system)_[a-z0-9_]+)");

	static final JsonMapper json = JsonMapper.builder().build();

	static Path observability;

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		gateway.register(registry, idp);
		registry.add("gatehouse.routes.test.path", () -> "/mcp/test");
		registry.add("gatehouse.routes.test.upstream", mcp::url);
		registry.add("gatehouse.routes.test.issuers[0]", () -> "corp");
		// a route that never gets a request
		registry.add("gatehouse.routes.idle.path", () -> "/mcp/idle");
		registry.add("gatehouse.routes.idle.upstream", mcp::url);
		registry.add("gatehouse.routes.idle.issuers[0]", () -> "corp");
		// every span sampled: with a tracer running while export is off, each metric touched by a request would carry an exemplar
		registry.add("management.tracing.sampling.probability", () -> "1.0");
	}

	@BeforeAll
	static void locate() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isDirectory(dir.resolve("docs/observability"))) {
				observability = dir.resolve("docs/observability");
				return;
			}
		}
		throw new IllegalStateException("no docs/observability above " + Path.of("").toAbsolutePath());
	}

	@AfterAll
	static void stop() {
		mcp.close();
		idp.close();
	}

	@Test
	void dashboardAndAlertsWhenReadThenEveryMetricTheyUseIsExported() throws Exception {
		Set<String> exported = scrapeAfterTraffic();
		Map<String, String> queries = new java.util.LinkedHashMap<>();
		dashboardQueries().forEach((query) -> queries.put(query, "dashboard"));
		alertRules().forEach((rule) -> queries.put((String) rule.get("expr"), "alert " + rule.get("alert")));
		assertThat(queries).hasSizeGreaterThan(20);
		List<String> missing = new ArrayList<>();
		queries.forEach((query, where) -> {
			Matcher metric = METRIC.matcher(query);
			int found = 0;
			while (metric.find()) {
				found++;
				if (!exported.contains(metric.group(1))) {
					missing.add(where + ": " + metric.group(1));
				}
			}
			if (found == 0) {
				missing.add(where + ": reads no metric: " + query);
			}
		});
		assertThat(missing).isEmpty();
	}

	@Test
	void scrapeWhenAskedForOpenMetricsAsPrometheusDoesThenNoExemplarsWhileTracesAreNotExported() throws Exception {
		scrapeAfterTraffic();
		HttpResponse<String> scrape = GatewayIntegrationTests.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/prometheus"))
			.header("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4"));
		assertThat(scrape.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
		// Prometheus < 2.43 drops the whole scrape for an exemplar on a _count line; none may be there
		assertThat(scrape.body()).contains("gatehouse_auth_duration_seconds_count").doesNotContain(" # {");
	}

	@Test
	void scrapeWhenNothingHasFailedYetThenFailureCountersAndIdleRouteGaugesAreExportedAtZero() throws Exception {
		scrapeAfterTraffic();
		String scrape = GatewayIntegrationTests
			.get("http://127.0.0.1:" + this.managementPort + "/actuator/prometheus")
			.body();
		// increase() over a series that appears at 1 misses that first failure: each must exist at 0 beforehand
		assertThat(scrape).contains("gatehouse_sse_active{route=\"idle\"} 0.0")
			.contains("gatehouse_jwks_fetches_total{issuer=\"corp\",result=\"failure\"} 0.0")
			.contains("gatehouse_jwks_fetches_total{issuer=\"corp\",result=\"invalid\"} 0.0")
			.contains("gatehouse_jwks_stale_total{issuer=\"corp\"} 0.0");
	}

	@Test
	void alertRulesWhenReadThenCoverTheNamedSituationsEachWithSeverityAndExplanation() throws IOException {
		List<Map<String, Object>> rules = alertRules();
		assertThat(rules).extracting((rule) -> rule.get("alert"))
			.contains("GatehouseIdpKeysStale", "GatehouseAuthFailureSpike", "GatehouseUpstream5xx",
					"GatehouseSseStreamSaturation");
		assertThat(rules).allSatisfy((rule) -> {
			assertThat(map(rule.get("labels"))).containsKey("severity");
			assertThat(map(rule.get("annotations"))).containsKeys("summary", "description");
		});
	}

	@Test
	void dashboardWhenReadThenPanelsHaveUniqueIdsAndTileTheGridWithoutOverlap() throws IOException {
		JsonNode dashboard = dashboard();
		Set<Integer> ids = new HashSet<>();
		Set<String> cells = new HashSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			assertThat(ids.add(panel.get("id").asInt())).as("panel id %s unique", panel.get("id")).isTrue();
			JsonNode grid = panel.get("gridPos");
			int x = grid.get("x").asInt();
			int w = grid.get("w").asInt();
			assertThat(x + w).as(panel.get("title").asString()).isLessThanOrEqualTo(24);
			for (int dx = 0; dx < w; dx++) {
				for (int dy = 0; dy < grid.get("h").asInt(); dy++) {
					assertThat(cells.add((x + dx) + "," + (grid.get("y").asInt() + dy)))
						.as("%s overlaps another panel", panel.get("title").asString())
						.isTrue();
				}
			}
			if (!"row".equals(panel.get("type").asString())) {
				assertThat(panel.get("datasource").get("uid").asString()).isEqualTo("${datasource}");
			}
		}
	}

	@Test
	void alertRulesWhenCheckedByPromtoolThenValidAndTheirUnitTestsPass() throws Exception {
		Assumptions.assumeTrue(onPath("promtool"), "promtool not installed (Debian package prometheus)");
		assertThat(run("promtool", "check", "rules", "prometheus-rules.yaml")).contains("SUCCESS");
		assertThat(run("promtool", "test", "rules", "prometheus-rules.test.yaml")).contains("SUCCESS");
	}

	// --- helpers -------------------------------------------------------------------------------------

	Set<String> scrapeAfterTraffic() throws Exception {
		String token = idp.token().audience(origin + "/mcp/test").sign();
		for (int i = 0; i < 100 && initialize(token).statusCode() == 503; i++) {
			Thread.sleep(100);
		}
		assertThat(initialize(token).statusCode()).isEqualTo(200);
		assertThat(initialize("not.a.token").statusCode()).isEqualTo(401);
		HttpResponse<String> scrape = GatewayIntegrationTests
			.get("http://127.0.0.1:" + this.managementPort + "/actuator/prometheus");
		assertThat(scrape.statusCode()).isEqualTo(200);
		Set<String> names = new HashSet<>();
		for (String line : scrape.body().split("\n")) {
			if (!line.isEmpty() && !line.startsWith("#")) {
				int end = line.indexOf('{');
				names.add(line.substring(0, (end >= 0) ? end : line.indexOf(' ')));
			}
		}
		return names;
	}

	static HttpResponse<String> initialize(String token) throws IOException, InterruptedException {
		return GatewayIntegrationTests.send(HttpRequest.newBuilder(URI.create(origin + "/mcp/test"))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "application/json, text/event-stream")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(GatewayIntegrationTests.INITIALIZE)));
	}

	static JsonNode dashboard() throws IOException {
		return json.readTree(Files.readString(observability.resolve("grafana-dashboard.json")));
	}

	static List<String> dashboardQueries() throws IOException {
		JsonNode dashboard = dashboard();
		List<String> queries = new ArrayList<>();
		for (JsonNode panel : dashboard.get("panels")) {
			if (panel.has("targets")) {
				panel.get("targets").forEach((target) -> queries.add(target.get("expr").asString()));
			}
		}
		for (JsonNode variable : dashboard.get("templating").get("list")) {
			if ("query".equals(variable.get("type").asString())) {
				queries.add(variable.get("definition").asString());
			}
		}
		return queries;
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> alertRules() throws IOException {
		try (InputStream in = Files.newInputStream(observability.resolve("prometheus-rules.yaml"))) {
			Map<String, Object> file = new Yaml().load(in);
			List<Map<String, Object>> rules = new ArrayList<>();
			for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
				rules.addAll((List<Map<String, Object>>) group.get("rules"));
			}
			return rules;
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object yaml) {
		return (Map<String, Object>) yaml;
	}

	static boolean onPath(String command) {
		String path = System.getenv("PATH");
		return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
			.anyMatch((dir) -> Files.isExecutable(Path.of(dir, command)));
	}

	static String run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).directory(observability.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

}
