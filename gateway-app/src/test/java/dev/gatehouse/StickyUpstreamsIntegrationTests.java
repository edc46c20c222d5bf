package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.support.McpTestServer;
import dev.gatehouse.support.GatewayUnderTest;
import dev.gatehouse.support.TestIdp;

/**
 * A route with two instances of a stateful MCP server (MCP Java SDK: sessions held in memory, an
 * unknown session answered with 404): new sessions are spread over both, and every request of a
 * session reaches the instance that created it, whose own session id it carries.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT)
class StickyUpstreamsIntegrationTests {

	static final TestIdp idp = new TestIdp();

	static final McpTestServer one = new McpTestServer();

	static final McpTestServer two = new McpTestServer();

	static final GatewayUnderTest gateway = new GatewayUnderTest();

	static final int port = gateway.port();

	static final String origin = gateway.origin();

	static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	static final JsonMapper json = JsonMapper.builder().build();

	static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		gateway.register(registry, idp);
		registry.add("gatehouse.routes.pool.path", () -> "/mcp/pool");
		registry.add("gatehouse.routes.pool.upstreams[0]", one::url);
		registry.add("gatehouse.routes.pool.upstreams[1]", two::url);
		registry.add("gatehouse.routes.pool.issuers[0]", () -> "corp");
	}

	@AfterAll
	static void stop() {
		one.close();
		two.close();
		idp.close();
	}

	@BeforeEach
	void awaitIssuerKeys() throws Exception {
		for (int i = 0; i < 100 && initialize(token("alice")).statusCode() == 503; i++) {
			Thread.sleep(100);
		}
	}

	@Test
	void mcpClientsWhenSessionsSpreadOverInstancesThenEverySessionWorksToTheEnd() {
		int initsOne = initializations(one);
		int initsTwo = initializations(two);
		List<String> echoed = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			String token = token("user-" + i);
			var transport = HttpClientStreamableHttpTransport.builder(origin)
				.endpoint("/mcp/pool")
				.jsonMapper(McpJsonDefaults.getMapper())
				.httpRequestCustomizer((builder, method, uri, body, context) -> builder.header("Authorization", "Bearer " + token))
				.build();
			try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
				client.initialize();
				client.listTools();
				var result = client.callTool(new CallToolRequest("echo", Map.of("text", "call " + i)));
				echoed.add(((TextContent) result.content().get(0)).text());
			}
		}
		// the SDK server answers 404 to a session it did not create: six whole sessions prove each stayed put
		assertThat(echoed).containsExactly("call 0", "call 1", "call 2", "call 3", "call 4", "call 5");
		assertThat(initializations(one) - initsOne).isEqualTo(3);
		assertThat(initializations(two) - initsTwo).isEqualTo(3);
	}

	@Test
	void sessionWhenIssuedThenClientSeesTaggedIdAndInstanceReceivesItsOwn() throws Exception {
		String token = token("alice");
		int beforeOne = one.received().size();
		int beforeTwo = two.received().size();
		HttpResponse<String> init = initialize(token);
		assertThat(init.statusCode()).isEqualTo(200);
		String clientSession = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
		assertThat(clientSession).matches("[A-Za-z0-9_-]{8}\\..+");
		String backendSession = clientSession.substring(9);
		McpTestServer owner = (one.received().size() > beforeOne) ? one : two;
		McpTestServer other = (owner == one) ? two : one;
		int otherBefore = (owner == one) ? beforeTwo : beforeOne;
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> list = send(request(token).header("Mcp-Session-Id", clientSession)
				.POST(HttpRequest.BodyPublishers.ofString(TOOLS_LIST)));
			assertThat(list.statusCode()).isEqualTo(200);
			assertThat(list.body()).contains("\"echo\"");
		}
		McpTestServer.Received last = owner.received().get(owner.received().size() - 1);
		assertThat(last.headers().get("mcp-session-id")).containsExactly(backendSession);
		assertThat(other.received()).hasSize(otherBefore);
		HttpResponse<String> delete = send(request(token).header("Mcp-Session-Id", clientSession).DELETE());
		assertThat(delete.statusCode()).isLessThan(300);
	}

	@Test
	void sessionWhenTagNamesNoInstanceOrIsMissingThen404AndNoInstanceReached() throws Exception {
		String token = token("alice");
		String clientSession = initialize(token).headers().firstValue("Mcp-Session-Id").orElseThrow();
		String backendSession = clientSession.substring(9);
		int before = one.received().size() + two.received().size();
		for (String forged : List.of("AAAAAAAA." + backendSession, backendSession, "zzzz")) {
			HttpResponse<String> response = send(request(token).header("Mcp-Session-Id", forged)
				.POST(HttpRequest.BodyPublishers.ofString(TOOLS_LIST)));
			assertThat(response.statusCode()).as(forged).isEqualTo(404);
			assertThat(json.readTree(response.body()).get("reason").asString()).isEqualTo("session_not_found");
		}
		assertThat(one.received().size() + two.received().size()).isEqualTo(before);
	}

	@Test
	void sessionWhenUsedWithAnotherPrincipalsTokenThen404() throws Exception {
		String clientSession = initialize(token("alice")).headers().firstValue("Mcp-Session-Id").orElseThrow();
		HttpResponse<String> hijack = send(request(token("mallory")).header("Mcp-Session-Id", clientSession)
			.POST(HttpRequest.BodyPublishers.ofString(TOOLS_LIST)));
		assertThat(hijack.statusCode()).isEqualTo(404);
		assertThat(json.readTree(hijack.body()).get("reason").asString()).isEqualTo("session_not_found");
	}

	// --- helpers -------------------------------------------------------------------------------------

	static String token(String subject) {
		return idp.token().audience(origin + "/mcp/pool").claim("sub", subject).sign();
	}

	static int initializations(McpTestServer server) {
		return (int) server.received().stream()
			.filter((r) -> r.method().equals("POST") && !r.hasHeader("Mcp-Session-Id"))
			.count();
	}

	static HttpResponse<String> initialize(String token) throws IOException, InterruptedException {
		return send(request(token).POST(HttpRequest.BodyPublishers.ofString(GatewayIntegrationTests.INITIALIZE)));
	}

	static HttpRequest.Builder request(String token) {
		return HttpRequest.newBuilder(URI.create(origin + "/mcp/pool"))
			.timeout(Duration.ofSeconds(20))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "application/json, text/event-stream")
			.header("Content-Type", "application/json")
			.header("MCP-Protocol-Version", "2025-06-18");
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
