package dev.gatehouse.routing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Passes the request body through while keeping its first bytes, so that a JSON-RPC error for a
 * failed upstream exchange can carry the request's {@code id} without buffering the body.
 */
final class CapturingInputStream extends FilterInputStream {

	private final byte[] captured;

	private int length;

	CapturingInputStream(InputStream in, int limit) {
		super(in);
		this.captured = new byte[limit];
	}

	@Override
	public synchronized int read() throws IOException {
		int b = super.read();
		if (b >= 0 && this.length < this.captured.length) {
			this.captured[this.length++] = (byte) b;
		}
		return b;
	}

	@Override
	public synchronized int read(byte[] buffer, int offset, int count) throws IOException {
		int read = super.read(buffer, offset, count);
		if (read > 0 && this.length < this.captured.length) {
			int keep = Math.min(read, this.captured.length - this.length);
			System.arraycopy(buffer, offset, this.captured, this.length, keep);
			this.length += keep;
		}
		return read;
	}

	/**
	 * Reads on until the capture is full or the body ends (for a failure before the upstream read
	 * the body), then returns what was captured.
	 */
	synchronized byte[] captureRest() {
		byte[] discard = new byte[1024];
		try {
			while (this.length < this.captured.length && read(discard, 0, discard.length) != -1) {
				// read() captures
			}
		}
		catch (IOException ex) {
			// the client's body is broken: keep what was captured
		}
		return captured();
	}

	synchronized byte[] captured() {
		return Arrays.copyOf(this.captured, this.length);
	}

}
