package dev.gatehouse.routing;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
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

	/**
	 * Reads the top-level {@code id} of a JSON-RPC request from the start of its body, token by token,
	 * so that the id is found in a body cut short (only its first bytes are kept).
	 * @return the request's string or number {@code id}, or {@code null} (absent before the cut,
	 * batch, not JSON)
	 */
	static Object idOf(byte[] body) {
		try (JsonParser parser = JSON.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
				JsonToken value = parser.nextToken();
				if ("id".equals(parser.currentName())) {
					return switch (value) {
						case VALUE_STRING -> parser.getString();
						case VALUE_NUMBER_INT -> parser.getNumberValue();
						default -> null;
					};
				}
				parser.skipChildren();
			}
		}
		catch (RuntimeException ex) {
			// truncated before the id, or not JSON: the error goes out without an id
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
