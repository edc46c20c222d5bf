package dev.gatehouse.routing;

import java.util.Map;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.core5.http.config.Http1Config;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Buffer sizes of the two connections every proxied exchange holds: the client's (Tomcat) and the
 * upstream's (Apache HttpClient). An idle SSE stream keeps both open with all their buffers for as
 * long as it lives, so these sizes are most of what a stream costs in heap. Both libraries default
 * to 8 KiB per buffer; MCP messages are a few KiB at most, and a larger one only takes a few more
 * reads or writes, so 4 KiB loses nothing measurable and, with a small trailer buffer, saves about
 * 40 KiB of the ~175 KiB a stream cost.
 */
public final class ConnectionBuffers {

	/** Tomcat's socket read and write buffers; its request-header buffer is the header limit plus the read buffer. */
	public static final int CLIENT_SOCKET_BUFFER = 4096;

	/**
	 * The servlet response buffer: its bytes, and as many chars for a writer (allocated with every
	 * connection whether used or not). A response longer than this is sent as it is written.
	 */
	public static final int CLIENT_RESPONSE_BUFFER = 4096;

	/**
	 * The trailer fields a chunked request may end with (Tomcat allocates a buffer this size for every
	 * connection; its default is 8 KiB). The gateway does not forward trailers; more is a 400.
	 */
	public static final int CLIENT_MAX_TRAILER_SIZE = 1024;

	/** HttpClient's session input buffer (and its line buffer, which grows for a longer line) and output buffer. */
	static final int UPSTREAM_BUFFER = 4096;

	private ConnectionBuffers() {
	}

	/** Sizes the public connector's buffers; fails start-up if Tomcat no longer knows the properties. */
	public static WebServerFactoryCustomizer<TomcatServletWebServerFactory> clientConnections() {
		return (factory) -> {
			factory.setProtocol(Http11Protocol.class.getName());
			factory.addConnectorCustomizers(ConnectionBuffers::sizeSocketBuffers);
		};
	}

	static void sizeSocketBuffers(Connector connector) {
		Map<String, Integer> sizes = Map.of("socket.appReadBufSize", CLIENT_SOCKET_BUFFER, "socket.appWriteBufSize",
				CLIENT_SOCKET_BUFFER, "maxTrailerSize", CLIENT_MAX_TRAILER_SIZE);
		sizes.forEach((property, size) -> {
			if (!connector.setProperty(property, Integer.toString(size))) {
				throw new IllegalStateException("Tomcat connector property " + property + " not supported");
			}
		});
	}

	/**
	 * Tomcat's NIO HTTP/1.1 protocol with a smaller servlet response buffer: the only way Tomcat
	 * offers to size it for every response from the start (its default is 8 KiB).
	 */
	public static final class Http11Protocol extends Http11NioProtocol {

		@Override
		public int getDesiredBufferSize() {
			return CLIENT_RESPONSE_BUFFER;
		}

	}

	static ManagedHttpClientConnectionFactory upstreamConnections() {
		return ManagedHttpClientConnectionFactory.builder()
			.http1Config(Http1Config.custom().setBufferSize(UPSTREAM_BUFFER).build())
			.build();
	}

}
