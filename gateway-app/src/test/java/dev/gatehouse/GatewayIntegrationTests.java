package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.apache.catalina.connector.Connector;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.routing.ConnectionBuffers;
import dev.gatehouse.support.McpTestServer;
import dev.gatehouse.support.GatewayUnderTest;
import dev.gatehouse.support.TestIdp;

/**
 * Gatehouse booted against a WireMock IdP and a real MCP server (MCP Java SDK), driven over real
 * HTTP: the status table of DESIGN.md row by row, metadata, streaming, and what reaches the backend.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT)
class GatewayIntegrationTests {

	static final TestIdp idp = new TestIdp();

	static final McpTestServer mcp = new McpTestServer();

	static final GatewayUnderTest gateway = new GatewayUnderTest();

	static final int port = gateway.port();

	static final String origin = gateway.origin();

	static final String resource = origin + "/mcp/test";

	static final String metadataUrl = origin + "/.well-known/oauth-protected-resource/mcp/test";

	static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	static final JsonMapper json = JsonMapper.builder().build();

	@LocalManagementPort
	int managementPort;

	@Autowired
	ServletWebServerApplicationContext context;

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		gateway.register(registry, idp);
		registry.add("gatehouse.allowed-origins[0]", () -> "https://inspector.example.com");
		registry.add("gatehouse.issuers.down.issuer", () -> "http://127.0.0.1:9/down");
		registry.add("gatehouse.issuers.down.jwks-uri", () -> "http://127.0.0.1:9/down/keys");
		registry.add("gatehouse.routes.test.path", () -> "/mcp/test");
		registry.add("gatehouse.routes.test.upstream", mcp::url);
		registry.add("gatehouse.routes.test.issuers[0]", () -> "corp");
		registry.add("gatehouse.routes.test.allowed-clients[0]", () -> "test-client");
		registry.add("gatehouse.routes.test.allowed-scopes[0]", () -> "mcp:read");
		registry.add("gatehouse.routes.test.allowed-scopes[1]", () -> "mcp:write");
		registry.add("gatehouse.routes.test.claims[0].claim", () -> "groups");
		registry.add("gatehouse.routes.test.claims[0].contains-any[0]", () -> "eng");
		registry.add("gatehouse.routes.test.resource-name", () -> "Test MCP");
		registry.add("gatehouse.routes.down.path", () -> "/mcp/down");
		registry.add("gatehouse.routes.down.upstream", mcp::url);
		registry.add("gatehouse.routes.down.issuers[0]", () -> "down");
		registry.add("gatehouse.routes.down.allowed-clients[0]", () -> "test-client");
		registry.add("gatehouse.routes.dead.path", () -> "/mcp/dead");
		registry.add("gatehouse.routes.dead.upstream", () -> "http://127.0.0.1:" + freePort() + "/mcp");
		registry.add("gatehouse.routes.dead.issuers[0]", () -> "corp");
		registry.add("gatehouse.root-metadata-route", () -> "test");
	}

	@AfterAll
	static void stop() {
		mcp.close();
		idp.close();
	}

	@BeforeEach
	void awaitIssuerKeys() throws Exception {
		for (int i = 0; i < 100 && get(origin + "/.well-known/oauth-protected-resource").statusCode() != 200; i++) {
			Thread.sleep(50);
		}
		// the corp issuer resolves in the background; a valid token proves its keys are loaded
		for (int i = 0; i < 100 && post("/mcp/test", validToken(), INITIALIZE).statusCode() == 503; i++) {
			Thread.sleep(100);
		}
	}

	// --- status table --------------------------------------------------------------------------

	@Test
	void publicConnectorWhenRunningThenItsSocketBuffersAreSizedForManyIdleStreams() {
		Connector connector = ((TomcatWebServer) this.context.getWebServer()).getTomcat().getConnector();
		assertThat(connector.getPort()).isEqualTo(port);
		assertThat(connector.getProperty("socket.appReadBufSize")).hasToString(String.valueOf(ConnectionBuffers.CLIENT_SOCKET_BUFFER));
		assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString(String.valueOf(ConnectionBuffers.CLIENT_SOCKET_BUFFER));
		assertThat(connector.getProperty("maxTrailerSize")).hasToString(String.valueOf(ConnectionBuffers.CLIENT_MAX_TRAILER_SIZE));
		assertThat(connector.createResponse(new org.apache.coyote.Response()).getBufferSize())
			.isEqualTo(ConnectionBuffers.CLIENT_RESPONSE_BUFFER);
	}

	@Test
	void postWhenNoTokenThen401WithRouteMetadataAndScopeAndNoError() throws Exception {
		HttpResponse<String> response = post("/mcp/test", null, INITIALIZE);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate"))
			.containsExactly("Bearer resource_metadata=\"" + metadataUrl + "\", scope=\"mcp:read mcp:write\"");
		assertThat(reason(response)).isEqualTo("token_missing");
	}

	@Test
	void requestWhenTokenInQueryThen400InvalidRequest() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(resource + "?access_token=" + validToken()))
			.POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer error=\"invalid_request\"");
		assertThat(reason(response)).isEqualTo("token_in_query");
		assertThat(response.body()).doesNotContain(validToken().substring(0, 20));
	}

	@Test
	void requestWhenTwoAuthorizationHeadersThen400() throws Exception {
		HttpResponse<String> response = send(mcpRequest("/mcp/test").header("Authorization", "Bearer " + validToken())
			.header("Authorization", "Bearer " + validToken())
			.POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(reason(response)).isEqualTo("multiple_authorization_headers");
	}

	@Test
	void requestWhenAuthorizationHeaderMalformedThen400() throws Exception {
		HttpResponse<String> response = send(mcpRequest("/mcp/test").header("Authorization", "Bearer a b")
			.POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(reason(response)).isEqualTo("malformed_authorization_header");
	}

	@Test
	void requestWhenSignedByAnotherKeyWithKnownKidThen401InvalidSignature() throws Exception {
		String forged = dev.gatehouse.support.TestTokens.valid(TestIdp.newKey(), idp.issuer())
			.keyId(idp.key().getKeyID()).audience(resource).clientId("test-client").scope("mcp:read")
			.claim("groups", List.of("eng")).sign();
		assertRejected(post("/mcp/test", forged, INITIALIZE), 401, "invalid_signature", "invalid_token");
	}

	@Test
	void requestWhenAudienceIsAnotherResourceThen401() throws Exception {
		String token = validTokenBuilder().audience(origin + "/mcp/other").sign();
		assertRejected(post("/mcp/test", token, INITIALIZE), 401, "audience_mismatch", "invalid_token");
	}

	@Test
	void requestWhenClientNotAllowedThen401() throws Exception {
		String token = validTokenBuilder().clientId("someone-else").sign();
		assertRejected(post("/mcp/test", token, INITIALIZE), 401, "client_not_allowed", "invalid_token");
	}

	@Test
	void requestWhenExpiredThen401() throws Exception {
		String token = validTokenBuilder().expiresAt(java.time.Instant.now().minusSeconds(600)).sign();
		assertRejected(post("/mcp/test", token, INITIALIZE), 401, "token_expired", "invalid_token");
	}

	@Test
	void requestWhenNotYetValidThen401() throws Exception {
		String token = validTokenBuilder().notBefore(java.time.Instant.now().plusSeconds(600)).sign();
		assertRejected(post("/mcp/test", token, INITIALIZE), 401, "token_not_yet_valid", "invalid_token");
	}

	@Test
	void requestWhenTypeIsNotAnAccessTokenThen401() throws Exception {
		String token = validTokenBuilder().type("id_token+jwt").sign();
		assertRejected(post("/mcp/test", token, INITIALIZE), 401, "token_type_not_allowed", "invalid_token");
	}

	@Test
	void requestWhenScopeMissingThen403InsufficientScopeWithNeededScope() throws Exception {
		String token = validTokenBuilder().scope("profile").sign();
		HttpResponse<String> response = post("/mcp/test", token, INITIALIZE);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
			.isEqualTo("Bearer error=\"insufficient_scope\", error_description=\"The token lacks a scope this resource "
					+ "requires\", resource_metadata=\"" + metadataUrl + "\", scope=\"mcp:read mcp:write\"");
		assertThat(reason(response)).isEqualTo("insufficient_scope");
	}

	@Test
	void requestWhenClaimRuleFailsThen403WithoutChallenge() throws Exception {
		String token = validTokenBuilder().claim("groups", List.of("sales")).sign();
		HttpResponse<String> response = post("/mcp/test", token, INITIALIZE);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
		assertThat(reason(response)).isEqualTo("claim_rule_failed");
	}

	@Test
	void requestWhenOriginNotAllowedThen403() throws Exception {
		HttpResponse<String> response = send(mcpRequest("/mcp/test").header("Origin", "https://evil.example.com")
			.header("Authorization", "Bearer " + validToken())
			.POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(reason(response)).isEqualTo("origin_not_allowed");
	}

	@Test
	void requestWhenOriginAllowedThenProxiedWithCorsHeaders() throws Exception {
		HttpResponse<String> response = send(mcpRequest("/mcp/test").header("Origin", "https://inspector.example.com")
			.header("Authorization", "Bearer " + validToken())
			.POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("https://inspector.example.com");
	}

	@Test
	void requestWhenIssuerKeysUnavailableThen503WithRetryAfter() throws Exception {
		String token = dev.gatehouse.support.TestTokens.valid(idp.key(), "http://127.0.0.1:9/down")
			.clientId("test-client").sign();
		HttpResponse<String> response = post("/mcp/down", token, INITIALIZE);
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		assertThat(reason(response)).isEqualTo("keys_unavailable");
	}

	@Test
	void requestWhenNoRouteThen404() throws Exception {
		HttpResponse<String> response = post("/mcp/unknown", validToken(), INITIALIZE);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(reason(response)).isEqualTo("no_route");
	}

	@Test
	void requestWhenUpstreamRefusesThen503JsonRpcErrorWithRequestId() throws Exception {
		String token = validTokenBuilder().audience(origin + "/mcp/dead").sign();
		HttpResponse<String> response = post("/mcp/dead", token, INITIALIZE);
		assertThat(response.statusCode()).isEqualTo(503);
		JsonNode body = json.readTree(response.body());
		assertThat(body.get("jsonrpc").asString()).isEqualTo("2.0");
		assertThat(body.get("id").asInt()).isEqualTo(1);
		assertThat(body.get("error").get("code").asInt()).isEqualTo(-32001);
	}

	// --- metadata ----------------------------------------------------------------------------------

	@Test
	void metadataWhenRequestedThenDescribesRouteFromPublicUrlNotHost() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(metadataUrl)).GET());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
		JsonNode metadata = json.readTree(response.body());
		assertThat(metadata.get("resource").asString()).isEqualTo(resource);
		assertThat(metadata.get("authorization_servers").get(0).asString()).isEqualTo(idp.issuer());
		assertThat(metadata.get("scopes_supported").toString()).isEqualTo("[\"mcp:read\",\"mcp:write\"]");
		assertThat(metadata.get("bearer_methods_supported").toString()).isEqualTo("[\"header\"]");
		assertThat(metadata.get("resource_name").asString()).isEqualTo("Test MCP");
		assertThat(metadata.has("tls_client_certificate_bound_access_tokens")).isFalse();
		assertThat(json.readTree(get(origin + "/.well-known/oauth-protected-resource").body())).isEqualTo(metadata);
	}

	// --- proxying ------------------------------------------------------------------------------------

	@Test
	void mcpClientWhenTokenValidThenInitializesListsAndCallsToolsAndBackendNeverSeesToken() {
		int before = mcp.received().size();
		String token = validToken();
		var transport = HttpClientStreamableHttpTransport.builder(origin)
			.endpoint("/mcp/test")
			.jsonMapper(McpJsonDefaults.getMapper())
			.httpRequestCustomizer((builder, method, uri, body, context) -> builder
				.header("Authorization", "Bearer " + token)
				.header("Cookie", "session=secret")
				.header("X-Forwarded-For", "6.6.6.6"))
			.build();
		try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
			assertThat(client.initialize().serverInfo().name()).isEqualTo("gatehouse-test-mcp");
			assertThat(client.listTools().tools()).extracting(Tool::name).contains("echo", "countdown");
			var result = client.callTool(new CallToolRequest("echo", Map.of("text", "hello")));
			assertThat(((TextContent) result.content().get(0)).text()).isEqualTo("hello");
		}
		List<McpTestServer.Received> received = List.copyOf(mcp.received());
		List<McpTestServer.Received> seen = received.subList(before, received.size());
		assertThat(seen).hasSizeGreaterThanOrEqualTo(3);
		assertThat(seen).noneMatch((r) -> r.hasHeader("Authorization") || r.hasHeader("Cookie")
				|| r.hasHeader("X-Forwarded-For") || r.hasHeader("Forwarded"));
		assertThat(seen).anyMatch((r) -> r.hasHeader("Mcp-Session-Id") && r.hasHeader("MCP-Protocol-Version"));
	}

	@Test
	void proxyWhenForwardingThenMcpHeadersPassUnchangedAndUnderscoreAndConnectionListedHeadersDoNot() throws Exception {
		int before = mcp.received().size();
		String response = dev.gatehouse.support.RawHttp.send(port, "POST /mcp/test?b=%2B+x&flag HTTP/1.1\r\n"
				+ "Host: 127.0.0.1\r\nAuthorization: Bearer " + validToken() + "\r\n"
				+ "Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
				+ "MCP-Protocol-Version: 2025-06-18\r\nMcp-Method: initialize\r\nLast-Event-ID: e-1\r\n"
				+ "X_Forwarded_For: 6.6.6.6\r\nX-Hop: dropped\r\nConnection: close, X-Hop\r\n"
				+ "Content-Length: " + INITIALIZE.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + INITIALIZE);
		assertThat(dev.gatehouse.support.RawHttp.status(response)).isEqualTo(200);
		McpTestServer.Received seen = mcp.received().get(before);
		assertThat(seen.headers().get("content-type")).containsExactly("application/json");
		assertThat(seen.headers().get("mcp-protocol-version")).containsExactly("2025-06-18");
		assertThat(seen.headers().get("mcp-method")).containsExactly("initialize");
		assertThat(seen.headers().get("last-event-id")).containsExactly("e-1");
		assertThat(seen.headers().get("host")).containsExactly(URI.create(mcp.url()).getAuthority());
		assertThat(seen.headers()).doesNotContainKeys("x_forwarded_for", "x-hop", "authorization");
	}

	@Test
	void sessionWhenUsedWithAnotherPrincipalsTokenThen404AndBackendNotReachedWhileOwnerCarriesOn() throws Exception {
		String alice = validToken();
		HttpResponse<String> init = post("/mcp/test", alice, INITIALIZE);
		String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
		String bob = validTokenBuilder().claim("sub", "bob").sign();
		int before = mcp.received().size();
		HttpResponse<String> hijack = send(mcpRequest("/mcp/test").header("Authorization", "Bearer " + bob)
			.header("Mcp-Session-Id", session)
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}")));
		assertThat(hijack.statusCode()).isEqualTo(404);
		assertThat(reason(hijack)).isEqualTo("session_not_found");
		assertThat(mcp.received().size()).isEqualTo(before);
		HttpResponse<String> owner = send(mcpRequest("/mcp/test").header("Authorization", "Bearer " + alice)
			.header("Mcp-Session-Id", session)
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")));
		assertThat(owner.statusCode()).isEqualTo(202);
	}

	@Test
	void toolCallWhenServerStreamsThenEventsArriveIncrementally() throws Exception {
		String token = validToken();
		HttpResponse<String> init = post("/mcp/test", token, INITIALIZE);
		String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
		send(mcpRequest("/mcp/test").header("Authorization", "Bearer " + token)
			.header("Mcp-Session-Id", session)
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")));
		long start = System.nanoTime();
		HttpResponse<java.io.InputStream> call = http.send(mcpRequest("/mcp/test").header("Authorization", "Bearer " + token)
			.header("Mcp-Session-Id", session)
			.POST(HttpRequest.BodyPublishers.ofString("""
					{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"countdown",
					 "arguments":{"steps":5,"delayMs":300},"_meta":{"progressToken":"p1"}}}"""))
			.build(), HttpResponse.BodyHandlers.ofInputStream());
		assertThat(call.statusCode()).isEqualTo(200);
		assertThat(call.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
		List<Long> progressMillis = new ArrayList<>();
		try (var reader = new BufferedReader(new InputStreamReader(call.body(), StandardCharsets.UTF_8))) {
			for (String line; (line = reader.readLine()) != null;) {
				if (line.startsWith("data:") && line.contains("notifications/progress")) {
					progressMillis.add((System.nanoTime() - start) / 1_000_000);
				}
				if (line.startsWith("data:") && line.contains("\"id\":2")) {
					break;
				}
			}
		}
		assertThat(progressMillis).hasSize(5);
		// buffered, all five would arrive together at the end; streamed, they are ~300 ms apart
		assertThat(progressMillis.get(4) - progressMillis.get(0)).isGreaterThanOrEqualTo(1000);
	}

	// --- operations ----------------------------------------------------------------------------------

	@Test
	void managementPortWhenScrapedThenServesPrometheusWithGatehouseMetersAndReadinessWaitsForAllIssuers()
			throws Exception {
		post("/mcp/test", null, INITIALIZE);
		String management = "http://127.0.0.1:" + this.managementPort;
		HttpResponse<String> metrics = get(management + "/actuator/prometheus");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("gatehouse_auth_decisions_total{outcome=\"rejected\",reason=\"token_missing\",route=\"test\"}");
		// latency histograms (auth and upstream apart) and the age of each issuer's keys
		post("/mcp/test", validToken(), INITIALIZE);
		metrics = get(management + "/actuator/prometheus");
		assertThat(metrics.body()).contains("gatehouse_auth_duration_seconds_bucket{route=\"test\",le=")
			.contains("gatehouse_upstream_duration_seconds_bucket{route=\"test\",le=")
			.containsPattern("gatehouse_jwks_age_seconds\\{issuer=\"corp\"} [0-9.]+");
		assertThat(get(management + "/actuator/health/liveness").statusCode()).isEqualTo(200);
		// the "down" issuer never loads keys: not ready, but alive
		assertThat(get(management + "/actuator/health/readiness").statusCode()).isEqualTo(503);
		assertThat(get(management + "/actuator/env").statusCode()).isIn(401, 403, 404);
		assertThat(get(origin + "/actuator/health").statusCode()).isEqualTo(404);
	}

	// --- helpers -------------------------------------------------------------------------------------

	static final String INITIALIZE = """
			{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
			 "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}""";

	static dev.gatehouse.support.TestTokens validTokenBuilder() {
		return idp.token().audience(resource).clientId("test-client").scope("mcp:read").claim("groups", List.of("eng"));
	}

	static String validToken() {
		return validTokenBuilder().sign();
	}

	static HttpRequest.Builder mcpRequest(String path) {
		return HttpRequest.newBuilder(URI.create(origin + path))
			.timeout(Duration.ofSeconds(20))
			.header("Accept", "application/json, text/event-stream")
			.header("Content-Type", "application/json");
	}

	static HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
		HttpRequest.Builder request = mcpRequest(path).POST(HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return send(request);
	}

	static HttpResponse<String> get(String url) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(url)).GET());
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static String reason(HttpResponse<String> response) {
		return json.readTree(response.body()).get("reason").asString();
	}

	static void assertRejected(HttpResponse<String> response, int status, String reason, String error) {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(reason(response)).isEqualTo(reason);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
			.startsWith("Bearer error=\"" + error + "\"")
			.contains("resource_metadata=\"" + metadataUrl + "\"");
	}

	static int freePort() {
		return GatewayUnderTest.freePort();
	}

}
