package dev.gatehouse.routing;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.server.mvc.handler.GatewayServerResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerResponse;

/** JSON-RPC 2.0 error responses (§5) for requests the proxy cannot complete. */
final class JsonRpcErrors {

	/** JSON-RPC 2.0 §5.1: the request is not a valid request. */
	static final int INVALID_REQUEST = -32600;

	/** From the range §5.1 leaves to implementations: the upstream MCP server failed. */
	static final int UPSTREAM_FAILED = -32001;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private JsonRpcErrors() {
	}

	static ServerResponse response(HttpStatus status, Object id, int code, String message) {
		return GatewayServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(body(id, code, message));
	}

	static byte[] bytes(Object id, int code, String message) {
		return JSON.writeValueAsBytes(body(id, code, message));
	}

	private static Map<String, Object> body(Object id, int code, String message) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("jsonrpc", "2.0");
		error.put("id", id);
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("code", code);
		detail.put("message", message);
		error.put("error", detail);
		return error;
	}

}
