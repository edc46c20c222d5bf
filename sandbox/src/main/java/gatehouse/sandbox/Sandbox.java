package gatehouse.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import gatehouse.sandbox.auth.SandboxAuthorizationServer;
import gatehouse.sandbox.mcp.SandboxMcpServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.gatehouse.GatehouseApplication;

/**
 * Gatehouse doing its job on loopback, in one process: a local authorization server, a sample MCP
 * server, and the gateway in front of it. Ctrl-C stops all three (Spring's shutdown hooks close
 * each context gracefully).
 */
public final class Sandbox implements AutoCloseable {

	/** Where each part listens, all on 127.0.0.1. */
	public record Ports(int gateway, int management, int authorizationServer, int mcpServer) {

		public static final Ports DEFAULT = new Ports(8080, 9090, 9000, 3001);

	}

	private final Ports ports;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private Sandbox(Ports ports) {
		this.ports = ports;
	}

	/**
	 * Starts the sandbox on the default ports.
	 * @param args {@code --name=value} properties for the gateway, e.g. another route
	 * ({@code --gatehouse.routes.x.path=/mcp/x ...}); anything else is refused
	 */
	public static void main(String[] args) {
		Map<String, Object> gateway = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 3) {
				throw new IllegalArgumentException("expected --name=value, got " + arg);
			}
			gateway.put(arg.substring(2, equals), arg.substring(equals + 1));
		}
		Sandbox sandbox = start(Ports.DEFAULT, gateway);
		System.out.println(sandbox.instructions());
	}

	/**
	 * Starts the authorization server, the MCP server and the gateway.
	 * @param extraGatewayProperties more {@code gatehouse.*} (or other) properties for the gateway,
	 * e.g. another route
	 */
	public static Sandbox start(Ports ports, Map<String, Object> extraGatewayProperties) {
		Sandbox sandbox = new Sandbox(ports);
		try {
			sandbox.contexts.add(run(SandboxAuthorizationServer.class, "sandbox-idp", ports.authorizationServer(),
					Map.of("sandbox.issuer", sandbox.issuer(), "sandbox.default-audience", sandbox.demoResource())));
			sandbox.contexts.add(run(SandboxMcpServer.class, "sandbox-mcp", ports.mcpServer(), Map.of()));
			Map<String, Object> gateway = new LinkedHashMap<>(sandbox.gatewayProperties());
			gateway.putAll(extraGatewayProperties);
			sandbox.contexts.add(new SpringApplicationBuilder(GatehouseApplication.class).run(arguments(gateway)));
		}
		catch (RuntimeException ex) {
			sandbox.close();
			throw ex;
		}
		return sandbox;
	}

	private static ConfigurableApplicationContext run(Class<?> application, String name, int port,
			Map<String, Object> properties) {
		Map<String, Object> all = new LinkedHashMap<>(properties);
		// a config name of its own: the gateway's application.yml is on the classpath too
		all.put("spring.config.name", name);
		all.put("spring.application.name", name);
		all.put("server.address", "127.0.0.1");
		all.put("server.port", port);
		all.put("spring.threads.virtual.enabled", true);
		all.put("spring.main.banner-mode", "off");
		// one logging system for three contexts: the logger name tells them apart, not the application name
		all.put("logging.include-application-name", false);
		all.put("management.endpoints.web.exposure.include", "health");
		return new SpringApplicationBuilder(application).run(arguments(all));
	}

	/** As command-line arguments, which outrank the gateway's own application.yml (default properties do not). */
	private static String[] arguments(Map<String, Object> properties) {
		return properties.entrySet().stream().map((entry) -> "--" + entry.getKey() + "=" + entry.getValue()).toArray(String[]::new);
	}

	private Map<String, Object> gatewayProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", this.ports.gateway());
		properties.put("logging.include-application-name", false);
		properties.put("management.server.address", "127.0.0.1");
		properties.put("management.server.port", this.ports.management());
		properties.put("gatehouse.public-url", gatewayUrl());
		properties.put("gatehouse.allowed-origins[0]", "http://localhost:6274");
		properties.put("gatehouse.allowed-origins[1]", "http://127.0.0.1:6274");
		properties.put("gatehouse.issuers.sandbox.discovery-url", issuer() + "/.well-known/openid-configuration");
		properties.put("gatehouse.issuers.sandbox.clock-skew", "30s");
		String mcp = "http://127.0.0.1:" + this.ports.mcpServer() + "/mcp";
		properties.put("gatehouse.routes.demo.path", "/mcp/demo");
		properties.put("gatehouse.routes.demo.upstream", mcp);
		properties.put("gatehouse.routes.demo.issuers[0]", "sandbox");
		properties.put("gatehouse.routes.demo.allowed-scopes[0]", "mcp:read");
		properties.put("gatehouse.routes.demo.allowed-scopes[1]", "mcp:write");
		properties.put("gatehouse.routes.demo.resource-name", "Gatehouse sandbox demo");
		properties.put("gatehouse.routes.admin.path", "/mcp/admin");
		properties.put("gatehouse.routes.admin.upstream", mcp);
		properties.put("gatehouse.routes.admin.issuers[0]", "sandbox");
		properties.put("gatehouse.routes.admin.required-scopes[0]", "mcp:admin");
		properties.put("gatehouse.routes.admin.resource-name", "Gatehouse sandbox admin (needs mcp:admin)");
		properties.put("gatehouse.root-metadata-route", "demo");
		return properties;
	}

	public String gatewayUrl() {
		return "http://127.0.0.1:" + this.ports.gateway();
	}

	public String issuer() {
		return "http://127.0.0.1:" + this.ports.authorizationServer();
	}

	public String demoResource() {
		return gatewayUrl() + "/mcp/demo";
	}

	public String managementUrl() {
		return "http://127.0.0.1:" + this.ports.management();
	}

	String instructions() {
		String demo = demoResource();
		return """

				=====================================================================================
				 Gatehouse sandbox is up (Ctrl-C stops everything)
				   gateway            %1$s   routes /mcp/demo, /mcp/admin (needs mcp:admin)
				   management         %2$s   /actuator/health, /actuator/prometheus
				   authorization srv  %3$s   demo user: demo / demo, M2M client: sandbox-m2m / sandbox-secret
				   MCP server         http://127.0.0.1:%4$d/mcp (reached only through the gateway)

				 1. No token: 401 and a challenge that tells the client where to log in
				   curl -i -X POST %5$s

				 2. Where to log in (RFC 9728 protected resource metadata)
				   curl -s %1$s/.well-known/oauth-protected-resource/mcp/demo

				 3. A token with client credentials (the resource becomes the token's audience)
				   TOKEN=$(curl -s -u sandbox-m2m:sandbox-secret -d grant_type=client_credentials \\
				     -d scope=mcp:read -d resource=%5$s %3$s/oauth2/token | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')

				 4. Call a tool through the gateway
				   curl -s -X POST %5$s -H "Authorization: Bearer $TOKEN" \\
				     -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\
				     -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}' -D - 
				   # then, with the Mcp-Session-Id header it returned:
				   curl -s -X POST %5$s -H "Authorization: Bearer $TOKEN" -H "Mcp-Session-Id: <id>" \\
				     -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\
				     -d '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"countdown","arguments":{"steps":5,"delayMs":500},"_meta":{"progressToken":"p"}}}'

				 5. A real MCP client, logging in as demo / demo in the browser:
				   npx @modelcontextprotocol/inspector      (Streamable HTTP, URL %5$s)
				   claude mcp add --transport http gatehouse-demo %5$s
				=====================================================================================
				""".formatted(gatewayUrl(), managementUrl(), issuer(), this.ports.mcpServer(), demo);
	}

	@Override
	public void close() {
		for (int i = this.contexts.size() - 1; i >= 0; i--) {
			this.contexts.get(i).close();
		}
		this.contexts.clear();
	}

}
