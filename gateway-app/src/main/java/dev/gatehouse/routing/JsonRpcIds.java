package dev.gatehouse.routing;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a JSON-RPC 2.0 request {@code id} and writes JSON-RPC error objects (§5). */
final class JsonRpcIds {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private JsonRpcIds() {
	}

	/** @return the request's string or number {@code id}, or {@code null} (unknown, batch, malformed) */
	static Object of(byte[] body) {
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

	static Map<String, Object> error(Object id, int code, String message) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("jsonrpc", "2.0");
		error.put("id", id);
		error.put("error", Map.of("code", code, "message", message));
		return error;
	}

}
