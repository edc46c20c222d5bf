package dev.gatehouse.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Relays one {@code text/event-stream} from the upstream to the client, flushing every read. While
 * the upstream is silent it writes an SSE comment ({@code :}) every heartbeat interval, between
 * events only, so a client that went away is noticed and its upstream stream closed within one
 * interval instead of whenever the upstream next speaks. Without a heartbeat interval (a compressed
 * or fixed-length body, where inserted bytes would corrupt it) it only relays.
 */
final class SseRelay {

	private static final int MAX_BURST = 8192;

	private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

	/**
	 * One timer thread for the heartbeats of all streams: a sleeping virtual thread per stream cost a
	 * stack in the heap per stream and a wake-up per stream and interval. Cancelled checks are removed
	 * at once (thousands of streams end within an interval).
	 */
	private static final ScheduledExecutorService TIMER = heartbeatTimer();

	private final InputStream upstream;

	private final OutputStream client;

	private final Duration heartbeat;

	private final ScheduledExecutorService timer;

	/** Written under the lock; read by the heartbeat timer without it. */
	private volatile long lastWriteNanos = System.nanoTime();

	/** The last four bytes written, to tell whether the stream is between events. */
	private int tail = 0x0A0A;

	private boolean clientGone;

	/** Set when the relay ends, under the lock, so no heartbeat writes after it returns. */
	private volatile boolean done;

	/**
	 * The next heartbeat check. A check that reads {@code done} just before the relay ends may schedule
	 * one more, which finds the relay done and stops.
	 */
	private volatile ScheduledFuture<?> nextCheck;

	SseRelay(InputStream upstream, OutputStream client, Duration heartbeat) {
		this(upstream, client, heartbeat, TIMER);
	}

	SseRelay(InputStream upstream, OutputStream client, Duration heartbeat, ScheduledExecutorService timer) {
		this.upstream = upstream;
		this.client = client;
		this.heartbeat = heartbeat;
		this.timer = timer;
	}

	/**
	 * @return {@code true} when the upstream ended the stream or failed, {@code false} when the client
	 * went away (noticed by a write or a heartbeat)
	 */
	boolean relay() {
		if (this.heartbeat != null) {
			scheduleCheck(this.heartbeat.toNanos());
		}
		try {
			byte[] burst;
			while ((burst = readBurst()) != null) {
				if (!write(burst, burst.length)) {
					break;
				}
			}
		}
		finally {
			synchronized (this) {
				// waits for a heartbeat write in progress; none starts after this
				this.done = true;
			}
			ScheduledFuture<?> check = this.nextCheck;
			if (check != null) {
				check.cancel(false);
			}
		}
		synchronized (this) {
			return !this.clientGone;
		}
	}

	/**
	 * Waits for the upstream's next bytes and returns them with whatever else has already arrived (at
	 * most {@link #MAX_BURST}), or {@code null} at the end of the stream. An idle stream waits on a
	 * one-byte read, so it holds no buffer while it waits: thousands of idle streams are the usual case.
	 */
	private byte[] readBurst() {
		try {
			int first = this.upstream.read();
			if (first == -1) {
				return null;
			}
			int more = Math.min(Math.max(this.upstream.available(), 0), MAX_BURST - 1);
			byte[] burst = new byte[1 + more];
			burst[0] = (byte) first;
			int read = (more > 0) ? this.upstream.read(burst, 1, more) : 0;
			return (read == more) ? burst : Arrays.copyOf(burst, 1 + Math.max(read, 0));
		}
		catch (IOException ex) {
			// closed by the heartbeat after the client left, or the upstream broke: the stream ends either way
			return null;
		}
	}

	private synchronized boolean write(byte[] buffer, int length) {
		if (this.clientGone) {
			return false;
		}
		try {
			this.client.write(buffer, 0, length);
			this.client.flush();
		}
		catch (IOException ex) {
			this.clientGone = true;
			return false;
		}
		this.lastWriteNanos = System.nanoTime();
		for (int i = Math.max(0, length - 4); i < length; i++) {
			this.tail = (this.tail << 8) | (buffer[i] & 0xFF);
		}
		return true;
	}

	private void scheduleCheck(long delayNanos) {
		if (!this.done) {
			this.nextCheck = this.timer.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * On the timer thread, which never waits for a client: a stream that spoke within the interval is
	 * checked again when it will have been silent for one; a silent one gets its heartbeat written
	 * from a virtual thread (the write may wait for a slow client).
	 */
	private void check() {
		if (this.done) {
			return;
		}
		long due = nanosUntilDue();
		if (due > 0) {
			scheduleCheck(due);
		}
		else {
			Thread.ofVirtual().name("gatehouse-sse-heartbeat").start(this::beat);
		}
	}

	private void beat() {
		if (!beatIfIdle()) {
			closeUpstream();
			return;
		}
		// silent but in the middle of an event (no heartbeat possible): looked at again one interval later
		long due = nanosUntilDue();
		scheduleCheck((due > 0) ? due : this.heartbeat.toNanos());
	}

	/** Zero or less once the client has heard nothing for a heartbeat interval. */
	private long nanosUntilDue() {
		return this.lastWriteNanos + this.heartbeat.toNanos() - System.nanoTime();
	}

	private synchronized boolean beatIfIdle() {
		if (this.done) {
			return true;
		}
		if (this.clientGone) {
			return false;
		}
		boolean idle = nanosUntilDue() <= 0;
		boolean betweenEvents = (this.tail & 0xFFFF) == 0x0A0A || this.tail == 0x0D0A0D0A || (this.tail & 0xFFFF) == 0x0D0D;
		if (idle && betweenEvents) {
			try {
				this.client.write(HEARTBEAT);
				this.client.flush();
				this.lastWriteNanos = System.nanoTime();
			}
			catch (IOException ex) {
				this.clientGone = true;
				return false;
			}
		}
		return true;
	}

	private static ScheduledExecutorService heartbeatTimer() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
				Thread.ofPlatform().name("gatehouse-sse-heartbeats").daemon().factory());
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

	private void closeUpstream() {
		try {
			this.upstream.close();
		}
		catch (IOException ex) {
			// nothing more to do
		}
	}

}
