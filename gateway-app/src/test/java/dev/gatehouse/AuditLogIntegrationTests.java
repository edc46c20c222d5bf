package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.support.RawExchange;
import dev.gatehouse.support.RecordingBackend;
import dev.gatehouse.support.GatewayUnderTest;
import dev.gatehouse.support.TestIdp;

/**
 * The audit event and the correlation id, with ECS structured logging on: one JSON line per request
 * decision on the {@code gatehouse.audit} logger with route, outcome, reason, statuses, latency,
 * issuer, subject, client id, MCP method and tool; never the token; {@code X-Request-Id} minted or
 * taken from the client, returned, and sent upstream where no client header can remove it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT, properties = "logging.structured.format.console=ecs")
@ExtendWith(OutputCaptureExtension.class)
class AuditLogIntegrationTests {

	static final TestIdp idp = new TestIdp();

	static final RecordingBackend backend = new RecordingBackend();

	static final GatewayUnderTest gateway = new GatewayUnderTest();

	static final int port = gateway.port();

	static final String origin = gateway.origin(), resource = origin + "/mcp/audited";

	static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	static final JsonMapper json = JsonMapper.builder().build();

	static final String TOOL_CALL = """
			{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{"secret":"s3cr3t-argument"},"name":"echo"}}""";

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		gateway.register(registry, idp);
		registry.add("gatehouse.routes.audited.path", () -> "/mcp/audited");
		registry.add("gatehouse.routes.audited.upstream", () -> backend.url() + "/mcp");
		registry.add("gatehouse.routes.audited.issuers[0]", () -> "corp");
		registry.add("gatehouse.routes.audited.required-scopes[0]", () -> "mcp:tools");
	}

	@AfterAll
	static void stop() {
		backend.close();
		idp.close();
	}

	@BeforeEach
	void awaitIssuerKeys() throws Exception {
		for (int i = 0; i < 100 && post(token("mcp:tools"), TOOL_CALL).statusCode() == 503; i++) {
			Thread.sleep(100);
		}
	}

	@Test
	void toolCallWhenAllowedThenOneAuditEventWithWhoWhatAndOutcomeAndTheSameRequestIdUpstream(CapturedOutput output)
			throws Exception {
		String token = token("mcp:tools");
		int hitsBefore = backend.hits().size();
		HttpResponse<String> response = post(token, TOOL_CALL);
		assertThat(response.statusCode()).isEqualTo(200);
		String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
		assertThat(requestId).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
		assertThat(backend.hits().get(hitsBefore).headers().get("x-request-id")).containsExactly(requestId);

		JsonNode event = auditEvent(output, requestId);
		assertThat(event.get("log").get("logger").asString()).isEqualTo("gatehouse.audit");
		assertThat(event.get("route").asString()).isEqualTo("audited");
		assertThat(event.get("method").asString()).isEqualTo("POST");
		assertThat(event.get("outcome").asString()).isEqualTo("allowed");
		assertThat(event.get("status").asInt()).isEqualTo(200);
		assertThat(event.get("upstream_status").asInt()).isEqualTo(200);
		assertThat(event.get("latency_ms").asLong()).isNotNegative();
		assertThat(event.get("issuer").asString()).isEqualTo("corp");
		assertThat(event.get("subject").asString()).isEqualTo("alice");
		assertThat(event.get("client_id").asString()).isEqualTo("audit-client");
		assertThat(event.get("mcp_method").asString()).isEqualTo("tools/call");
		assertThat(event.get("mcp_tool").asString()).isEqualTo("echo");
		assertThat(event.has("reason")).isFalse();
		assertThat(output.getOut()).doesNotContain(token).doesNotContain("s3cr3t-argument");
	}

	@Test
	void requestWhenRefusedThenAuditEventNamesTheReasonAndNeverTheToken(CapturedOutput output) throws Exception {
		JsonNode missing = auditEvent(output, header(post(null, TOOL_CALL)));
		assertThat(missing.get("outcome").asString()).isEqualTo("refused");
		assertThat(missing.get("reason").asString()).isEqualTo("token_missing");
		assertThat(missing.get("status").asInt()).isEqualTo(401);
		assertThat(missing.has("subject")).isFalse();
		assertThat(missing.has("mcp_method")).as("unauthenticated bodies are not read").isFalse();

		String forged = token("mcp:tools");
		forged = forged.substring(0, forged.length() - 6) + "AAAAAA";
		JsonNode badSignature = auditEvent(output, header(post(forged, TOOL_CALL)));
		assertThat(badSignature.get("reason").asString()).isEqualTo("invalid_signature");
		assertThat(badSignature.has("subject")).as("claims of an unverified token").isFalse();

		JsonNode noScope = auditEvent(output, header(post(token("mcp:read"), TOOL_CALL)));
		assertThat(noScope.get("reason").asString()).isEqualTo("insufficient_scope");
		assertThat(noScope.get("status").asInt()).isEqualTo(403);
		assertThat(noScope.get("subject").asString()).as("a verified token's subject").isEqualTo("alice");
		assertThat(output.getOut()).doesNotContain(forged.substring(forged.lastIndexOf('.') + 1, forged.length() - 6));
	}

	@Test
	void requestIdWhenClientSendsOneThenKeptUnlessMalformedAndConnectionCannotStripIt(CapturedOutput output) throws Exception {
		String token = token("mcp:tools");
		int hits = backend.hits().size();
		RawExchange given = RawExchange.send(port, "POST", "/mcp/audited", TOOL_CALL, "Authorization: Bearer " + token,
				"X-Request-Id: ingress-1234", "Connection: close, X-Request-Id");
		assertThat(given.status()).isEqualTo(200);
		assertThat(given.header("X-Request-Id")).isEqualTo("ingress-1234");
		assertThat(backend.hits().get(hits).headers().get("x-request-id")).containsExactly("ingress-1234");
		assertThat(auditEvent(output, "ingress-1234").get("outcome").asString()).isEqualTo("allowed");

		RawExchange malformed = RawExchange.send(port, "POST", "/mcp/audited", TOOL_CALL, "Authorization: Bearer " + token,
				"X-Request-Id: " + "x".repeat(200));
		assertThat(malformed.header("X-Request-Id")).hasSize(36);
		assertThat(backend.hits().get(hits + 1).headers().get("x-request-id")).containsExactly(malformed.header("X-Request-Id"));
	}

	@Test
	void subjectWhenUnprintableThenMarkedNotWritten(CapturedOutput output) throws Exception {
		String token = idp.token().audience(resource).clientId("audit-client").scope("mcp:tools").claim("sub", "ali\nce [fake]").sign();
		JsonNode event = auditEvent(output, header(post(token, TOOL_CALL)));
		assertThat(event.get("subject").asString()).isEqualTo("<unprintable>");
	}

	static String token(String scope) {
		return idp.token().audience(resource).clientId("audit-client").scope(scope).sign();
	}

	static String header(HttpResponse<String> response) {
		return response.headers().firstValue("X-Request-Id").orElseThrow();
	}

	static HttpResponse<String> post(String token, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(resource))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The one audit event (an ECS JSON line) of this request; the event is written as the request ends. */
	static JsonNode auditEvent(CapturedOutput output, String requestId) throws InterruptedException {
		for (int attempt = 0; attempt < 50; attempt++) {
			List<JsonNode> events = output.getOut().lines().filter((line) -> line.startsWith("{")).map(json::readTree)
				.filter((event) -> "gatehouse.audit".equals(event.path("log").path("logger").asString())
						&& requestId.equals(event.path("request_id").asString()))
				.toList();
			if (!events.isEmpty()) {
				assertThat(events).as("audit events of request %s", requestId).hasSize(1);
				return events.get(0);
			}
			Thread.sleep(100);
		}
		throw new AssertionError("no audit event for request " + requestId + " in:\n" + output.getOut());
	}

}
