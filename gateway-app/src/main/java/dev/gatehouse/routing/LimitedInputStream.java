package dev.gatehouse.routing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that may not exceed a limit, whether its length was declared or it arrives
 * chunked: reading past the limit fails, which aborts the upstream exchange mid-body (the backend
 * sees a truncated request, never a complete one), and {@link #exceeded()} tells why it failed.
 */
final class LimitedInputStream extends FilterInputStream {

	private final long limit;

	private long count;

	private volatile boolean exceeded;

	LimitedInputStream(InputStream in, long limit) {
		super(in);
		this.limit = limit;
	}

	@Override
	public int read() throws IOException {
		int b = super.read();
		if (b >= 0) {
			counted(1);
		}
		return b;
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		int read = super.read(buffer, offset, length);
		if (read > 0) {
			counted(read);
		}
		return read;
	}

	@Override
	public long skip(long n) throws IOException {
		long skipped = super.skip(n);
		counted(skipped);
		return skipped;
	}

	boolean exceeded() {
		return this.exceeded;
	}

	private void counted(long read) throws IOException {
		this.count += read;
		if (this.count > this.limit) {
			this.exceeded = true;
			throw new IOException("request body exceeds " + this.limit + " bytes");
		}
	}

}
