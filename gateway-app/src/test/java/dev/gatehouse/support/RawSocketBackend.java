package dev.gatehouse.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that breaks HTTP on purpose, on a plain socket at {@code http://127.0.0.1:<port>}
 * (an HTTP server library would not): {@code /headers-then-reset} sends a 200 announcing 100 bytes
 * and drops the connection; {@code /truncated} sends 10 of them and drops it; {@code /truncated-large}
 * announces 100,000 bytes and drops the connection after 20,000; {@code /never-reads} takes the
 * request head and then reads nothing more (a small receive buffer, so an upload stalls) and answers
 * nothing until the gateway gives up. Requests are counted by path.
 */
public final class RawSocketBackend implements AutoCloseable {

	private final ServerSocket server;

	private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

	public RawSocketBackend() {
		try {
			this.server = new ServerSocket();
			this.server.setReceiveBufferSize(4096);
			this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		Thread.ofVirtual().start(this::accept);
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.getLocalPort();
	}

	public int requests(String path) {
		return this.requests.computeIfAbsent(path, (p) -> new AtomicInteger()).get();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				Thread.ofVirtual().start(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			String head = readHead(socket.getInputStream());
			String path = head.split(" ", 3)[1].split("\\?")[0];
			this.requests.computeIfAbsent(path, (p) -> new AtomicInteger()).incrementAndGet();
			if (path.endsWith("/never-reads")) {
				Thread.sleep(30_000);
				return;
			}
			OutputStream out = socket.getOutputStream();
			boolean large = path.endsWith("/truncated-large");
			out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + (large ? 100_000 : 100)
					+ "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			if (path.endsWith("/truncated")) {
				out.write("{\"partial\"".getBytes(StandardCharsets.US_ASCII));
			}
			if (large) {
				out.write(new byte[20_000]);
			}
			out.flush();
			socket.setSoLinger(true, 0); // close with a reset, as a crashing backend would
		}
		catch (IOException | RuntimeException ex) {
			// the peer is gone; nothing to do
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		int b;
		while (matched < 4 && (b = in.read()) != -1) {
			head.write(b);
			matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : 0;
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// best effort in tests
		}
	}

}
