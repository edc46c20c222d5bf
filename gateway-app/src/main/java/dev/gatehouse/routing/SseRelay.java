package dev.gatehouse.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

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

	private final InputStream upstream;

	private final OutputStream client;

	private final Duration heartbeat;

	private long lastWriteNanos = System.nanoTime();

	/** The last four bytes written, to tell whether the stream is between events. */
	private int tail = 0x0A0A;

	private boolean clientGone;

	/** Set when the relay ends; taken under the lock, so no heartbeat writes after it returns. */
	private boolean done;

	SseRelay(InputStream upstream, OutputStream client, Duration heartbeat) {
		this.upstream = upstream;
		this.client = client;
		this.heartbeat = heartbeat;
	}

	/**
	 * @return {@code true} when the upstream ended the stream or failed, {@code false} when the client
	 * went away (noticed by a write or a heartbeat)
	 */
	boolean relay() {
		Thread heartbeats = (this.heartbeat != null)
				? Thread.ofVirtual().name("gatehouse-sse-heartbeat").start(this::beat) : null;
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
			if (heartbeats != null) {
				heartbeats.interrupt();
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

	private void beat() {
		try {
			while (true) {
				Thread.sleep(untilNextBeat());
				if (!beatIfIdle()) {
					closeUpstream();
					return;
				}
			}
		}
		catch (InterruptedException ex) {
			// the relay ended
		}
	}

	private synchronized Duration untilNextBeat() {
		long due = this.lastWriteNanos + this.heartbeat.toNanos() - System.nanoTime();
		return Duration.ofNanos(Math.max(due, 1_000_000));
	}

	private synchronized boolean beatIfIdle() {
		if (this.done) {
			return true;
		}
		if (this.clientGone) {
			return false;
		}
		boolean idle = System.nanoTime() - this.lastWriteNanos >= this.heartbeat.toNanos();
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

	private void closeUpstream() {
		try {
			this.upstream.close();
		}
		catch (IOException ex) {
			// nothing more to do
		}
	}

}
