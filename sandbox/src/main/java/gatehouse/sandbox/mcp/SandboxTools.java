package gatehouse.sandbox.mcp;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/** The sample tools: {@code echo}, {@code add}, {@code time} and {@code countdown} (streams progress). */
final class SandboxTools {

	private SandboxTools() {
	}

	static List<SyncToolSpecification> all() {
		return List.of(echo(), add(), time(), countdown());
	}

	private static SyncToolSpecification echo() {
		return tool("echo", "Returns the given text", Map.of("text", Map.of("type", "string")),
				(arguments) -> String.valueOf(arguments.get("text")));
	}

	private static SyncToolSpecification add() {
		return tool("add", "Adds two numbers", Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")),
				(arguments) -> String.valueOf(number(arguments.get("a")) + number(arguments.get("b"))));
	}

	private static SyncToolSpecification time() {
		return tool("time", "The server's current time (ISO 8601, UTC)", Map.of(), (arguments) -> Instant.now().toString());
	}

	private static SyncToolSpecification countdown() {
		return SyncToolSpecification.builder()
			.tool(Tool.builder("countdown")
				.description("Counts down, sending one progress notification per step over SSE")
				.inputSchema(Map.of("type", "object", "properties",
						Map.of("steps", Map.of("type", "integer"), "delayMs", Map.of("type", "integer"))))
				.build())
			.callHandler((exchange, request) -> {
				int steps = (int) Math.min(100, number(request.arguments().getOrDefault("steps", 5)));
				long delay = (long) Math.min(5000, number(request.arguments().getOrDefault("delayMs", 500)));
				Object progressToken = request.progressToken();
				for (int i = 1; i <= steps; i++) {
					if (progressToken != null) {
						exchange.progressNotification(ProgressNotification.builder(progressToken, i)
							.total((double) steps)
							.message((steps - i) + " to go")
							.build());
					}
					if (i < steps) {
						sleep(delay);
					}
				}
				return CallToolResult.builder().addTextContent("Lift-off after " + steps + " steps").build();
			})
			.build();
	}

	private static SyncToolSpecification tool(String name, String description, Map<String, Object> properties,
			java.util.function.Function<Map<String, Object>, String> handler) {
		return SyncToolSpecification.builder()
			.tool(Tool.builder(name)
				.description(description)
				.inputSchema(Map.of("type", "object", "properties", properties))
				.build())
			.callHandler((exchange, request) -> CallToolResult.builder()
				.addTextContent(handler.apply(request.arguments()))
				.build())
			.build();
	}

	private static double number(Object value) {
		if (value instanceof Number number) {
			return number.doubleValue();
		}
		try {
			return Double.parseDouble(String.valueOf(value));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
