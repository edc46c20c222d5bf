package dev.gatehouse.routing;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client connections' socket buffers are sized on Tomcat's connector (the upstream side is
 * covered by {@code UpstreamClientTests}; the running server by {@code GatewayIntegrationTests}).
 */
class ConnectionBuffersTests {

	@Test
	void sizeSocketBuffersWhenAppliedThenReadAndWriteBuffersAre4KiB() {
		Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
		assertThat(connector.getProperty("socket.appReadBufSize")).hasToString(String.valueOf(8192));
		ConnectionBuffers.sizeSocketBuffers(connector);
		assertThat(connector.getProperty("socket.appReadBufSize")).hasToString(String.valueOf(ConnectionBuffers.CLIENT_SOCKET_BUFFER));
		assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString(String.valueOf(ConnectionBuffers.CLIENT_SOCKET_BUFFER));
		assertThat(connector.getProperty("maxTrailerSize")).hasToString(String.valueOf(ConnectionBuffers.CLIENT_MAX_TRAILER_SIZE));
	}

	@Test
	void protocolWhenConnectorCreatesAResponseThenItsBufferIs4KiB() {
		assertThat(new Connector("org.apache.coyote.http11.Http11NioProtocol").createResponse(new Response()).getBufferSize())
			.isEqualTo(8192);
		assertThat(new Connector(ConnectionBuffers.Http11Protocol.class.getName()).createResponse(new Response()).getBufferSize())
			.isEqualTo(ConnectionBuffers.CLIENT_RESPONSE_BUFFER);
	}

}
