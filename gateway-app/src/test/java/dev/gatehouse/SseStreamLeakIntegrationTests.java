package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.support.StreamingTestBackend;
import dev.gatehouse.support.GatewayUnderTest;
import dev.gatehouse.support.TestIdp;

/**
 * 1,000 SSE streams held open through the gateway at once, then every client gone without a word
 * (sockets closed): every upstream stream must be closed, the active-stream gauge and the JVM's
 * platform threads must return to their baseline, and nothing may answer 5xx.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT)
class SseStreamLeakIntegrationTests {

	static final int STREAMS = 1000;

	static final TestIdp idp = new TestIdp();

	static final StreamingTestBackend backend = new StreamingTestBackend();

	static final GatewayUnderTest gateway = new GatewayUnderTest();

	static final int port = gateway.port();

	static final String origin = gateway.origin();

	@Autowired
	MeterRegistry registry;

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		gateway.register(registry, idp);
		registry.add("gatehouse.upstream.sse-heartbeat", () -> "1s");
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
	void streamsWhenThousandClientsDisconnectThenEveryUpstreamStreamClosesAndGaugesReturnToBaseline() throws Exception {
		String token = idp.token().audience(origin + "/mcp/backend").sign();
		awaitReady(token);
		int platformThreadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		List<Socket> clients = new CopyOnWriteArrayList<>();
		List<String> failures = new CopyOnWriteArrayList<>();
		try (ExecutorService opener = Executors.newFixedThreadPool(16)) {
			List<Future<?>> opened = new ArrayList<>();
			for (int i = 0; i < STREAMS; i++) {
				opened.add(opener.submit(() -> {
					try {
						clients.add(openStream(token));
					}
					catch (IOException | RuntimeException ex) {
						failures.add(ex.toString());
					}
				}));
			}
			for (Future<?> future : opened) {
				future.get();
			}
		}
		assertThat(failures).as("streams that did not open").isEmpty();
		awaitValue("open upstream streams", backend::heldStreams, STREAMS);
		awaitValue("active-stream gauge", this::activeStreams, STREAMS);
		int platformThreadsHeld = ManagementFactory.getThreadMXBean().getThreadCount();
		System.out.printf("%d SSE streams held: platform threads %d -> %d%n", STREAMS, platformThreadsBefore, platformThreadsHeld);

		for (Socket client : clients) {
			client.close();
		}
		awaitValue("open upstream streams after the clients left", backend::heldStreams, 0);
		awaitValue("active-stream gauge after the clients left", this::activeStreams, 0);
		int platformThreadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
		System.out.printf("after disconnect: platform threads %d, upstream streams %d, gauge %d%n", platformThreadsAfter,
				backend.heldStreams(), activeStreams());
		// virtual threads carry the streams: platform threads must not grow with them, nor stay behind
		assertThat(platformThreadsHeld).isLessThan(platformThreadsBefore + 50);
		assertThat(platformThreadsAfter).isLessThan(platformThreadsBefore + 20);
		assertThat(this.registry.find(GatehouseMeters.UPSTREAM_REQUESTS).tag("status", "500").counter()).isNull();
		assertThat(this.registry.find("http.server.requests").tag("outcome", "SERVER_ERROR").timers()).isEmpty();
	}

	/** Opens one stream over a raw socket and reads until its first event arrived. */
	static Socket openStream(String token) throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
		socket.setSoTimeout(30_000);
		socket.getOutputStream().write(("GET /mcp/backend/held-events HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		InputStream in = socket.getInputStream();
		StringBuilder received = new StringBuilder();
		byte[] buffer = new byte[1024];
		while (!received.toString().contains("{\"held\":true}")) {
			int n = in.read(buffer);
			if (n < 0) {
				socket.close();
				throw new IOException("stream ended before its first event: " + received);
			}
			received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
		}
		if (!received.toString().startsWith("HTTP/1.1 200")) {
			socket.close();
			throw new IOException("not 200: " + received.substring(0, Math.min(received.length(), 40)));
		}
		return socket;
	}

	private int activeStreams() {
		return (int) this.registry.get(GatehouseMeters.SSE_ACTIVE).tag("route", "backend").gauge().value();
	}

	static void awaitReady(String token) throws Exception {
		for (int i = 0; i < 100; i++) {
			try (Socket socket = openStream(token)) {
				return;
			}
			catch (IOException ex) {
				Thread.sleep(100);
			}
		}
	}

	static void awaitValue(String what, IntSupplier actual, int expected) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (actual.getAsInt() != expected && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(actual.getAsInt()).as(what).isEqualTo(expected);
	}

}
