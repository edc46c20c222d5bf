package dev.gatehouse.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends a request exactly as written, for what HTTP client libraries refuse to send (a
 * {@code Connection} header naming other headers, a broken percent-escape), and returns the raw
 * response head and body.
 */
public final class RawHttp {

	private RawHttp() {
	}

	/** @param request the request head and body; lines end with CRLF, {@code Connection: close} is added */
	public static String send(int port, String request) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	public static int status(String response) {
		return Integer.parseInt(response.split(" ", 3)[1]);
	}

}
