package gatehouse.sandbox.mcp;

import java.time.Duration;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The sandbox's MCP server, built with the MCP Java SDK (Streamable HTTP servlet transport) at
 * {@code /mcp}: a few tools to try through the gateway, one of which streams progress over SSE.
 */
@SpringBootApplication
public class SandboxMcpServer {

	/**
	 * Only the gateway talks to this server: it sends {@code Host: 127.0.0.1:<port>} and no
	 * {@code Origin}; anything else (DNS rebinding, a browser page) is refused by the SDK's validator.
	 */
	@Bean
	HttpServletStreamableServerTransportProvider mcpTransport(@Value("${server.port}") int port) {
		return HttpServletStreamableServerTransportProvider.builder()
			.mcpEndpoint("/mcp")
			.jsonMapper(McpJsonDefaults.getMapper())
			.keepAliveInterval(Duration.ofSeconds(15))
			.securityValidator(DefaultServerTransportSecurityValidator.builder().allowedHost("127.0.0.1:" + port).build())
			.build();
	}

	@Bean
	ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
			HttpServletStreamableServerTransportProvider transport) {
		ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration = new ServletRegistrationBean<>(
				transport, "/mcp");
		// SSE responses use servlet async
		registration.setAsyncSupported(true);
		return registration;
	}

	@Bean(destroyMethod = "closeGracefully")
	McpSyncServer mcpServer(HttpServletStreamableServerTransportProvider transport) {
		return McpServer.sync(transport)
			.serverInfo("gatehouse-sandbox", "1.0")
			.capabilities(ServerCapabilities.builder().tools(true).build())
			.tools(SandboxTools.all())
			.build();
	}

}
