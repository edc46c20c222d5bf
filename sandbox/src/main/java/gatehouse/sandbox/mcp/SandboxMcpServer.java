package gatehouse.sandbox.mcp;

import java.time.Duration;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The sandbox's MCP server, built with the MCP Java SDK (Streamable HTTP servlet transport) at
 * {@code /mcp}: a few tools to try through the gateway, one of which streams progress over SSE.
 */
@SpringBootApplication
public class SandboxMcpServer {

	@Bean
	HttpServletStreamableServerTransportProvider mcpTransport() {
		return HttpServletStreamableServerTransportProvider.builder()
			.mcpEndpoint("/mcp")
			.jsonMapper(McpJsonDefaults.getMapper())
			.keepAliveInterval(Duration.ofSeconds(15))
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
