package dev.gatehouse.support;

import java.io.IOException;
import java.net.ServerSocket;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Where a Gatehouse booted by an integration test listens: a free loopback port chosen before the
 * context starts (so {@code public-url} can name it), and the properties every such test sets.
 */
public record GatewayUnderTest(int port) {

	public GatewayUnderTest() {
		this(freePort());
	}

	/** {@code http://127.0.0.1:<port>}: the public URL, and the origin requests go to. */
	public String origin() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * The public port, a random management port, {@code public-url} and the issuer {@code corp}
	 * served by the given IdP.
	 */
	public void register(DynamicPropertyRegistry registry, TestIdp corp) {
		registry.add("server.port", this::port);
		registry.add("management.server.port", () -> 0);
		registry.add("gatehouse.public-url", this::origin);
		registry.add("gatehouse.issuers.corp.discovery-url", corp::discoveryUrl);
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
