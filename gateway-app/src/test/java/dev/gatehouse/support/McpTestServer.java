package dev.gatehouse.support;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A real MCP server (MCP Java SDK, Streamable HTTP servlet transport) on an embedded Tomcat at
 * {@code http://127.0.0.1:<port>/mcp}, with tools {@code echo} and {@code countdown} (one progress
 * notification per step over SSE). It records the headers of every request it receives, so tests can
 * prove what the gateway forwards and what it never does.
 */
public final class McpTestServer implements AutoCloseable {

	/** One received request: method and headers (lower-case names). */
	public record Received(String method, Map<String, List<String>> headers) {

		public boolean hasHeader(String name) {
			return this.headers.containsKey(name.toLowerCase(java.util.Locale.ROOT));
		}

	}

	private final Tomcat tomcat = new Tomcat();

	private final McpSyncServer server;

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final int port;

	public McpTestServer() {
		try {
			this.tomcat.setBaseDir(Files.createTempDirectory("mcp-tomcat").toString());
			Connector connector = new Connector();
			connector.setPort(0);
			connector.setProperty("address", "127.0.0.1");
			this.tomcat.setConnector(connector);
			Context context = this.tomcat.addContext("", null);
			var transport = HttpServletStreamableServerTransportProvider.builder()
				.mcpEndpoint("/mcp")
				.jsonMapper(McpJsonDefaults.getMapper())
				.build();
			this.server = McpServer.sync(transport)
				.serverInfo("gatehouse-test-mcp", "1.0")
				.capabilities(ServerCapabilities.builder().tools(true).build())
				.tools(tools())
				.requestTimeout(Duration.ofSeconds(30))
				.build();
			Wrapper servlet = Tomcat.addServlet(context, "mcp", transport);
			servlet.setAsyncSupported(true);
			context.addServletMappingDecoded("/mcp", "mcp");
			FilterDef recorder = new FilterDef();
			recorder.setFilterName("recorder");
			recorder.setFilter(recorder());
			recorder.setAsyncSupported("true");
			context.addFilterDef(recorder);
			FilterMap mapping = new FilterMap();
			mapping.setFilterName("recorder");
			mapping.addURLPatternDecoded("/*");
			context.addFilterMap(mapping);
			this.tomcat.start();
			this.port = connector.getLocalPort();
		}
		catch (Exception ex) {
			throw new IllegalStateException("MCP test server failed to start", ex);
		}
	}

	public String url() {
		return "http://127.0.0.1:" + this.port + "/mcp";
	}

	public List<Received> received() {
		return this.received;
	}

	private Filter recorder() {
		return (request, response, chain) -> {
			HttpServletRequest http = (HttpServletRequest) request;
			Map<String, List<String>> headers = new java.util.TreeMap<>();
			for (String name : Collections.list(http.getHeaderNames())) {
				headers.put(name.toLowerCase(java.util.Locale.ROOT), Collections.list(http.getHeaders(name)));
			}
			this.received.add(new Received(http.getMethod(), headers));
			chain.doFilter(request, response);
		};
	}

	private static List<SyncToolSpecification> tools() {
		SyncToolSpecification echo = SyncToolSpecification.builder()
			.tool(Tool.builder("echo")
				.description("Returns its text argument")
				.inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string")), "required",
						List.of("text")))
				.build())
			.callHandler((exchange, request) -> CallToolResult.builder()
				.addTextContent(String.valueOf(request.arguments().get("text")))
				.build())
			.build();
		SyncToolSpecification countdown = SyncToolSpecification.builder()
			.tool(Tool.builder("countdown")
				.description("Sends one progress notification per step, delayMs apart")
				.inputSchema(Map.of("type", "object", "properties",
						Map.of("steps", Map.of("type", "integer"), "delayMs", Map.of("type", "integer"))))
				.build())
			.callHandler((exchange, request) -> {
				int steps = ((Number) request.arguments().getOrDefault("steps", 3)).intValue();
				long delay = ((Number) request.arguments().getOrDefault("delayMs", 100)).longValue();
				Object token = request.progressToken();
				for (int i = 1; i <= steps; i++) {
					if (token != null) {
						exchange.progressNotification(
								ProgressNotification.builder(token, i).total((double) steps).message("step " + i).build());
					}
					if (i < steps) {
						sleep(delay);
					}
				}
				return CallToolResult.builder().addTextContent("done after " + steps + " steps").build();
			})
			.build();
		return List.of(echo, countdown);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		try {
			this.server.closeGracefully();
			this.tomcat.stop();
			this.tomcat.destroy();
		}
		catch (Exception ex) {
			// best effort in tests
		}
	}

}
