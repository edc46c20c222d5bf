package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.support.RecordingBackend;
import dev.gatehouse.support.GatewayUnderTest;
import dev.gatehouse.support.TestIdp;

/**
 * Tracing switched on (W3C propagation, every request sampled, no OTLP endpoint so nothing is sent): the upstream
 * request carries the client's trace id with the gateway's own span as parent, not the client's.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT,
		properties = { "management.tracing.export.enabled=true", "management.tracing.sampling.probability=1.0" })
class TracingIntegrationTests {

	static final TestIdp idp = new TestIdp();

	static final RecordingBackend backend = new RecordingBackend();

	static final GatewayUnderTest gateway = new GatewayUnderTest();

	static final int port = gateway.port();

	static final String origin = gateway.origin(), resource = origin + "/mcp/traced";

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		gateway.register(registry, idp);
		registry.add("gatehouse.routes.traced.path", () -> "/mcp/traced");
		registry.add("gatehouse.routes.traced.upstream", backend::url);
		registry.add("gatehouse.routes.traced.issuers[0]", () -> "corp");
	}

	@AfterAll
	static void stop() {
		backend.close();
		idp.close();
	}

	@Test
	void requestWhenTracingOnThenUpstreamContinuesTheClientsTraceUnderTheGatewaysSpan() throws Exception {
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736", clientSpan = "00f067aa0ba902b7";
		String token = idp.token().audience(resource).sign();
		HttpClient http = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest.newBuilder(URI.create(resource))
			.timeout(Duration.ofSeconds(20))
			.header("Authorization", "Bearer " + token)
			.header("traceparent", "00-" + traceId + "-" + clientSpan + "-01")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build();
		int status = 503;
		for (int i = 0; i < 100 && status == 503; i++) {
			status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			Thread.sleep((status == 503) ? 100 : 0);
		}
		assertThat(status).isEqualTo(200);
		List<String> traceparent = backend.hits().get(backend.hits().size() - 1).headers().get("traceparent");
		assertThat(traceparent).singleElement().satisfies((value) -> {
			assertThat(value).matches("00-" + traceId + "-[0-9a-f]{16}-01");
			assertThat(value).doesNotContain(clientSpan);
		});
	}

}
