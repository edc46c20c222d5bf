package gatehouse.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import gatehouse.sandbox.auth.SandboxAuthorizationServer;

/**
 * The sandbox (gateway, Spring authorization server, MCP Java SDK server) plus
 * {@code @modelcontextprotocol/server-everything}, driven by real MCP clients: the official
 * TypeScript SDK (client credentials; authorization code + PKCE + dynamic registration; scope
 * step-up) and the MCP Inspector CLI. Each scenario is a Node script in {@code src/test/e2e} that
 * starts from an unauthenticated request and asserts what it saw; this class asserts it passed.
 */
class SandboxEndToEndIT {

	static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);

	static Process everything;

	static Sandbox sandbox;

	@BeforeAll
	static void start() throws Exception {
		int everythingPort = freePort();
		Path log = Files.createTempFile("server-everything", ".log");
		everything = NodeScripts.start(Map.of("PORT", String.valueOf(everythingPort)), log, "node", "--import",
				"./loopback.mjs", "node_modules/@modelcontextprotocol/server-everything/dist/index.js", "streamableHttp");
		awaitPort(everythingPort, log);
		Sandbox.Ports ports = new Sandbox.Ports(freePort(), freePort(), freePort(), freePort());
		sandbox = Sandbox.start(ports, Map.of("gatehouse.routes.everything.path", "/mcp/everything",
				"gatehouse.routes.everything.upstream", "http://127.0.0.1:" + everythingPort + "/mcp",
				"gatehouse.routes.everything.issuers[0]", "sandbox", "gatehouse.routes.everything.allowed-scopes[0]",
				"mcp:read"));
		awaitReady();
	}

	@AfterAll
	static void stop() {
		if (sandbox != null) {
			sandbox.close();
		}
		if (everything != null) {
			NodeScripts.stop(everything);
		}
	}

	@Test
	void typescriptSdkWhenClientCredentialsThenDiscoversFrom401AndCallsTools() {
		assertPassed(node("client-credentials.mjs"), "PASS client credentials");
	}

	@Test
	void typescriptSdkWhenAuthorizationCodeWithPkceAndDynamicRegistrationThenCallsTools() {
		assertPassed(node("authorization-code.mjs"), "PASS authorization code + PKCE + dynamic registration");
	}

	@Test
	void typescriptSdkWhenScopeMissingThenStepsUpAfter403InsufficientScope() {
		assertPassed(node("step-up.mjs"), "PASS scope step-up");
	}

	@Test
	void serverEverythingWhenBehindGatewayThenSessionsSseAndResumptionWork() {
		assertPassed(node("everything.mjs"), "PASS server-everything");
	}

	@Test
	void inspectorCliWhenBearerTokenThenListsToolsAndWithoutTokenFails() throws Exception {
		String resource = sandbox.demoResource();
		NodeScripts.Result listed = NodeScripts.run(SCRIPT_TIMEOUT, Map.of(), "node", "node_modules/.bin/mcp-inspector",
				"--cli", resource, "--transport", "http", "--method", "tools/list", "--header",
				"Authorization: Bearer " + clientCredentialsToken(resource));
		System.out.println("[inspector --cli tools/list]\n" + listed);
		assertThat(listed.exitCode()).as(listed.output()).isZero();
		assertThat(listed.output()).contains("\"name\": \"countdown\"", "\"name\": \"echo\"");
		NodeScripts.Result refused = NodeScripts.run(SCRIPT_TIMEOUT, Map.of(), "node", "node_modules/.bin/mcp-inspector",
				"--cli", resource, "--transport", "http", "--method", "tools/list");
		assertThat(refused.exitCode()).as(refused.output()).isNotZero();
		assertThat(refused.output()).contains("token_missing");
	}

	@Test
	void authorizationServerWhenInspectorUiPreflightsRegistrationThenCorsAllowsItsOrigin() throws Exception {
		HttpResponse<Void> preflight = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(sandbox.issuer() + "/oauth2/register"))
				.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
				.header("Origin", "http://localhost:6274")
				.header("Access-Control-Request-Method", "POST")
				.header("Access-Control-Request-Headers", "content-type")
				.build(), HttpResponse.BodyHandlers.discarding());
		assertThat(preflight.statusCode()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:6274");
	}

	private static NodeScripts.Result node(String script) {
		NodeScripts.Result result = NodeScripts.run(SCRIPT_TIMEOUT,
				Map.of("MCP_URL", sandbox.demoResource(), "ADMIN_URL", sandbox.gatewayUrl() + "/mcp/admin",
						"EVERYTHING_URL", sandbox.gatewayUrl() + "/mcp/everything", "ISSUER", sandbox.issuer(),
						"CLIENT_ID", SandboxAuthorizationServer.M2M_CLIENT_ID, "CLIENT_SECRET",
						SandboxAuthorizationServer.M2M_CLIENT_SECRET),
				"node", script);
		System.out.println("[" + script + "]\n" + result);
		return result;
	}

	private static void assertPassed(NodeScripts.Result result, String marker) {
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains(marker);
	}

	private static String clientCredentialsToken(String resource) throws Exception {
		String basic = Base64.getEncoder()
			.encodeToString((SandboxAuthorizationServer.M2M_CLIENT_ID + ":" + SandboxAuthorizationServer.M2M_CLIENT_SECRET)
				.getBytes());
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(sandbox.issuer() + "/oauth2/token"))
				.header("Authorization", "Basic " + basic)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers
					.ofString("grant_type=client_credentials&scope=mcp:read&resource=" + resource))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
	}

	private static void awaitReady() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		URI readiness = URI.create(sandbox.managementUrl() + "/actuator/health/readiness");
		for (int i = 0; i < 100; i++) {
			if (http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
				.statusCode() == 200) {
				return;
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException("Gatehouse did not become ready");
	}

	private static void awaitPort(int port, Path log) throws Exception {
		for (int i = 0; i < 300; i++) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				return;
			}
			catch (IOException ex) {
				Thread.sleep(100);
			}
		}
		throw new IllegalStateException("server-everything did not start:\n" + Files.readString(log));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
