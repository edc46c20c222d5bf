package dev.gatehouse.routing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseRelayTests {

	private static final Duration INTERVAL = Duration.ofMillis(100);

	/** Heartbeat checks scheduled by the relay under test. */
	private final AtomicInteger checks = new AtomicInteger();

	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1) {
		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			SseRelayTests.this.checks.incrementAndGet();
			return super.schedule(command, delay, unit);
		}
	};

	@AfterEach
	void stopTimer() {
		this.timer.shutdownNow();
	}

	private static final byte[] EVENTS = ("id: 1\ndata: " + "x".repeat(50_000) + "\n\nid: 2\ndata: done\n\n")
		.getBytes(StandardCharsets.UTF_8);

	@Test
	void relayWhenEventsLargerThanABurstThenRelayedWhole() {
		ByteArrayOutputStream client = new ByteArrayOutputStream();
		assertThat(new SseRelay(new ByteArrayInputStream(EVENTS), client, Duration.ofSeconds(15)).relay()).isTrue();
		assertThat(client.toByteArray()).isEqualTo(EVENTS);
	}

	@Test
	void relayWhenUpstreamReportsNothingAvailableThenRelayedWholeByteByByte() {
		InputStream stingy = new FilterInputStream(new ByteArrayInputStream(EVENTS)) {
			@Override
			public int available() {
				return 0;
			}
		};
		ByteArrayOutputStream client = new ByteArrayOutputStream();
		assertThat(new SseRelay(stingy, client, null).relay()).isTrue();
		assertThat(client.toByteArray()).isEqualTo(EVENTS);
	}

	@Test
	void relayWhenUpstreamSilentBetweenEventsThenHeartbeatEveryInterval() throws Exception {
		PipedOutputStream upstream = new PipedOutputStream();
		SynchronizedClient client = new SynchronizedClient();
		CompletableFuture<Boolean> relay = relay(new PipedInputStream(upstream), client);
		upstream.write("id: 1\ndata: a\n\n".getBytes(StandardCharsets.UTF_8));
		upstream.flush();
		awaitText(client, "id: 1\ndata: a\n\n" + ":\n\n".repeat(3));
		upstream.close();
		assertThat(relay.get(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void relayWhenUpstreamSilentMidEventThenNoHeartbeatAndNoBusyCheckingUntilTheEventEnds() throws Exception {
		PipedOutputStream upstream = new PipedOutputStream();
		SynchronizedClient client = new SynchronizedClient();
		CompletableFuture<Boolean> relay = relay(new PipedInputStream(upstream), client);
		upstream.write("data: half".getBytes(StandardCharsets.UTF_8));
		upstream.flush();
		Thread.sleep(INTERVAL.toMillis() * 6);
		// an inserted ":" would corrupt the event; and silence mid-event is looked at once per interval
		assertThat(client.text()).isEqualTo("data: half");
		assertThat(this.checks.get()).isBetween(3, 9);
		upstream.write("\n\n".getBytes(StandardCharsets.UTF_8));
		upstream.flush();
		awaitText(client, "data: half\n\n:\n\n");
		upstream.close();
		assertThat(relay.get(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void relayWhenClientGoneThenHeartbeatNoticesItAndClosesTheUpstream() throws Exception {
		// an upstream with nothing to say: its read ends only when the stream is closed (as a socket's does)
		CountDownLatch closed = new CountDownLatch(1);
		InputStream upstream = new InputStream() {
			@Override
			public int read() throws IOException {
				try {
					closed.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw new IOException("Socket closed");
			}

			@Override
			public void close() {
				closed.countDown();
			}
		};
		OutputStream gone = new OutputStream() {
			@Override
			public void write(int b) throws IOException {
				throw new IOException("Broken pipe");
			}
		};
		CompletableFuture<Boolean> relay = relay(upstream, gone);
		// nothing from the upstream: only the heartbeat can tell that the client left
		assertThat(relay.get(5, TimeUnit.SECONDS)).isFalse();
		assertThat(closed.getCount()).isZero();
	}

	private CompletableFuture<Boolean> relay(InputStream upstream, OutputStream client) {
		return CompletableFuture.supplyAsync(() -> new SseRelay(upstream, client, INTERVAL, this.timer).relay(),
				(task) -> Thread.ofVirtual().start(task));
	}

	private static void awaitText(SynchronizedClient client, String expected) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!client.text().equals(expected) && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(client.text()).isEqualTo(expected);
	}

	/** What the client received, readable while the relay writes. */
	private static final class SynchronizedClient extends OutputStream {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		@Override
		public synchronized void write(int b) {
			this.bytes.write(b);
		}

		@Override
		public synchronized void write(byte[] b, int off, int len) {
			this.bytes.write(b, off, len);
		}

		synchronized String text() {
			return this.bytes.toString(StandardCharsets.UTF_8);
		}

	}

}
