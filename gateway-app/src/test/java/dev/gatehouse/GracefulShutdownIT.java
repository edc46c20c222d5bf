package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.gatehouse.support.StreamingTestBackend;
import dev.gatehouse.support.TestIdp;

/**
 * The packaged jar as Kubernetes stops it: a real process, a real SIGTERM. While a tool call (a POST
 * whose backend answers after 5 s) and a standalone SSE GET stream are open, SIGTERM must flip
 * readiness at once, close the GET stream cleanly (the client can resume elsewhere with
 * {@code Last-Event-ID}), let the POST finish with its result, and exit well within the 40 s
 * {@code terminationGracePeriodSeconds} of {@code k8s/}.
 */
class GracefulShutdownIT {

	static final TestIdp idp = new TestIdp();

	static final StreamingTestBackend backend = new StreamingTestBackend();

	static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@AfterAll
	static void stop() {
		backend.close();
		idp.close();
	}

	@Test
	void sigtermWhenToolCallAndGetStreamOpenThenReadinessFlipsStreamClosesCallFinishesAndProcessExits() throws Exception {
		int port = GatewayIntegrationTests.freePort(), management = GatewayIntegrationTests.freePort();
		String origin = "http://127.0.0.1:" + port, resource = origin + "/mcp/backend";
		Path config = Files.createTempFile("gatehouse", ".yaml");
		Files.writeString(config, """
				gatehouse:
				  public-url: %s
				  issuers:
				    corp:
				      discovery-url: %s
				  routes:
				    backend:
				      path: /mcp/backend
				      upstream: %s
				      issuers: [corp]
				""".formatted(origin, idp.discoveryUrl(), backend.url()));
		Path log = Files.createTempFile("gatehouse", ".log");
		String java = ProcessHandle.current().info().command().orElse("java");
		Process gatehouse = new ProcessBuilder(java, "-jar", System.getProperty("gatehouse.jar", "target/gateway-app-0.1.0-SNAPSHOT-exec.jar"),
				"--spring.config.additional-location=file:" + config, "--server.port=" + port, "--management.server.port=" + management)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			String readiness = "http://127.0.0.1:" + management + "/actuator/health/readiness";
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (status(readiness) != 200 && System.nanoTime() < deadline) {
				Thread.sleep(200);
			}
			assertThat(status(readiness)).as("ready").isEqualTo(200);
			String token = idp.token().audience(resource).sign();

			HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(resource + "/events"))
				.header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build(),
					HttpResponse.BodyHandlers.ofInputStream());
			assertThat(stream.statusCode()).isEqualTo(200);
			CompletableFuture<String> streamEnd = CompletableFuture.supplyAsync(() -> drain(stream.body()));
			CompletableFuture<HttpResponse<String>> toolCall = http.sendAsync(HttpRequest.newBuilder(URI.create(resource + "/slow"))
				.header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
					HttpResponse.BodyHandlers.ofString());
			Thread.sleep(1000);

			long sigterm = System.nanoTime();
			gatehouse.destroy(); // SIGTERM: the JVM runs the shutdown hook asynchronously, so poll briefly
			int readinessAfter = status(readiness);
			for (int i = 0; i < 40 && readinessAfter == 200; i++) {
				Thread.sleep(50);
				readinessAfter = status(readiness);
			}
			long readinessFlippedMillis = (System.nanoTime() - sigterm) / 1_000_000;
			String streamOutcome = streamEnd.get(10, TimeUnit.SECONDS);
			long streamClosedMillis = (System.nanoTime() - sigterm) / 1_000_000;
			HttpResponse<String> call = toolCall.get(20, TimeUnit.SECONDS);
			assertThat(gatehouse.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
			long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;
			System.out.printf("SIGTERM: readiness %d after %d ms, GET stream %s after %d ms, tool call %d, exit %d after %d ms%n",
					readinessAfter, readinessFlippedMillis, streamOutcome, streamClosedMillis, call.statusCode(),
					gatehouse.exitValue(), exitMillis);

			assertThat(readinessAfter).as("readiness within 2 s of SIGTERM").isNotEqualTo(200);
			assertThat(streamOutcome).as("GET stream").isEqualTo("ended cleanly");
			assertThat(streamClosedMillis).as("GET stream closed within").isLessThan(3000);
			assertThat(call.statusCode()).as("in-flight tool call").isEqualTo(200);
			assertThat(call.body()).isEqualTo("slow");
			assertThat(exitMillis).as("exit within the grace period").isLessThan(25_000);
			assertThat(backend.openStreams()).as("upstream SSE streams left open").isZero();
			assertThat(Files.readString(log)).contains("closed 1 open SSE GET streams").doesNotContain(" ERROR ");
		}
		finally {
			gatehouse.destroyForcibly();
		}
	}

	static String drain(InputStream body) {
		try (body) {
			byte[] buffer = new byte[4096];
			while (body.read(buffer) >= 0) {
				// events until the gateway closes the stream
			}
			return "ended cleanly";
		}
		catch (IOException ex) {
			return "broke: " + ex;
		}
	}

	static int status(String url) {
		try {
			return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
					HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			return -1; // refused: the management server is gone
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

}
