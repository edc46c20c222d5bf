package dev.gatehouse.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Relays one {@code text/event-stream} from the upstream to the client, flushing every read. While
 * the upstream is silent it writes an SSE comment ({@code :}) every heartbeat interval, between
 * events only, so a client that went away is noticed and its upstream stream closed within one
 * interval instead of whenever the upstream next speaks.
 */
final class SseRelay {

	private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

	private final InputStream upstream;

	private final OutputStream client;

	private final Duration heartbeat;

	private long lastWriteNanos = System.nanoTime();

	/** The last four bytes written, to tell whether the stream is between events. */
	private int tail = 0x0A0A;

	private boolean clientGone;

	SseRelay(InputStream upstream, OutputStream client, Duration heartbeat) {
		this.upstream = upstream;
		this.client = client;
		this.heartbeat = heartbeat;
	}

	/**
	 * @return {@code true} when the upstream ended the stream or failed, {@code false} when the client
	 * went away
	 */
	boolean relay() {
		Thread heartbeats = Thread.ofVirtual().name("gatehouse-sse-heartbeat").start(this::beat);
		byte[] buffer = new byte[8192];
		try {
			int read;
			while ((read = readUpstream(buffer)) != -1) {
				if (!write(buffer, read)) {
					return false;
				}
			}
			return true;
		}
		finally {
			heartbeats.interrupt();
		}
	}

	private int readUpstream(byte[] buffer) {
		try {
			return this.upstream.read(buffer);
		}
		catch (IOException ex) {
			// closed by the heartbeat after the client left, or the upstream broke: the stream ends either way
			return -1;
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
				Thread.sleep(this.heartbeat);
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

	private synchronized boolean beatIfIdle() {
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
