package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.support.StreamingTestBackend;
import dev.gatehouse.support.GatewayUnderTest;
import dev.gatehouse.support.TestIdp;

/**
 * Gatehouse started while its IdP is down (WireMock answering 503 for discovery and JWKS): it must
 * run, stay alive but not ready, answer token-bearing requests with a clean 503 {@code keys_unavailable}
 * (never a 500, never the backend), and become ready by itself once the IdP is back.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT)
class ColdStartIntegrationTests {

	static final TestIdp idp = new TestIdp();

	static final StreamingTestBackend backend = new StreamingTestBackend();

	static final GatewayUnderTest gateway = new GatewayUnderTest();

	static final int port = gateway.port();

	static final String origin = gateway.origin();

	static final String resource = origin + "/mcp/backend";

	static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	static {
		idp.outage();
	}

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		gateway.register(registry, idp);
		registry.add("management.endpoint.health.show-components", () -> "always");
		registry.add("gatehouse.routes.backend.path", () -> "/mcp/backend");
		registry.add("gatehouse.routes.backend.upstream", backend::url);
		registry.add("gatehouse.routes.backend.issuers[0]", () -> "corp");
	}

	@AfterAll
	static void stop() {
		backend.close();
		idp.close();
	}

	@Test
	void startWhenIdpDownThenNotReadyAnd503UntilTheIdpReturnsThenReadyAndServing() throws Exception {
		String management = "http://127.0.0.1:" + this.managementPort + "/actuator/health";
		String token = idp.token().audience(resource).sign();
		for (int i = 0; i < 10; i++) {
			HttpResponse<String> refused = call(token);
			assertThat(refused.statusCode()).as("request %d during the outage", i).isEqualTo(503);
			assertThat(refused.body()).contains("\"reason\":\"keys_unavailable\"");
			assertThat(refused.headers().firstValue("Retry-After")).isPresent();
			assertThat(call(null).statusCode()).as("no token during the outage").isEqualTo(401);
			Thread.sleep(100);
		}
		HttpResponse<String> readiness = get(management + "/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(readiness.body()).contains("\"issuerKeys\"").contains("\"status\":\"OUT_OF_SERVICE\"");
		assertThat(get(management + "/liveness").statusCode()).isEqualTo(200);
		assertThat(backend.requests("/status/200")).isZero();

		idp.serveDiscovery();
		idp.publish(java.util.List.of(idp.key()));
		long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
		while (get(management + "/readiness").statusCode() != 200 && System.nanoTime() < deadline) {
			Thread.sleep(200);
		}
		assertThat(get(management + "/readiness").statusCode()).as("ready after the IdP returned").isEqualTo(200);
		assertThat(call(token).statusCode()).isEqualTo(200);
		assertThat(backend.requests("/status/200")).isEqualTo(1);
	}

	static HttpResponse<String> call(String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(resource + "/status/200")).timeout(Duration.ofSeconds(20));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	static HttpResponse<String> get(String url) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
