package dev.gatehouse.routing;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.server.mvc.handler.GatewayServerResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerResponse;

/** JSON-RPC 2.0 error responses (§5) for requests the proxy cannot complete, and request ids to put in them. */
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

	/** @return the request's string or number {@code id}, or {@code null} (unknown, batch, malformed) */
	static Object idOf(byte[] body) {
		try {
			JsonNode node = JSON.readTree(body);
			JsonNode id = (node != null && node.isObject()) ? node.get("id") : null;
			if (id != null && id.isString()) {
				return id.asString();
			}
			if (id != null && id.isIntegralNumber()) {
				return id.numberValue();
			}
		}
		catch (RuntimeException ex) {
			// truncated or not JSON: the error goes out without an id
		}
		return null;
	}

	private static Map<String, Object> body(Object id, int code, String message) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("jsonrpc", "2.0");
		error.put("id", id);
		error.put("error", Map.of("code", code, "message", message));
		return error;
	}

}
