package dev.gatehouse.routing;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the start of a JSON-RPC request says about itself, read token by token from the bytes the
 * proxy kept of the body (its first few KB, so the body may be cut short): the {@code id} (for an
 * error response), the {@code method} and, for {@code tools/call}, the tool's {@code params.name}
 * (for the audit event). Nothing else of the body is read. Fields missing before the cut, a batch, or
 * a body that is not JSON give {@code null}s.
 *
 * @param id the string or integer {@code id}
 * @param method the {@code method}
 * @param tool {@code params.name} when the method is {@code tools/call}
 */
record JsonRpcPeek(Object id, String method, String tool) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final JsonRpcPeek NOTHING = new JsonRpcPeek(null, null, null);

	static JsonRpcPeek of(byte[] body) {
		Object id = null;
		String method = null, name = null;
		try (JsonParser parser = JSON.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return NOTHING;
			}
			for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
				String field = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("id".equals(field) && (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT)) {
					id = (value == JsonToken.VALUE_STRING) ? parser.getString() : parser.getNumberValue();
				}
				else if ("method".equals(field) && value == JsonToken.VALUE_STRING) {
					method = parser.getString();
				}
				else if ("params".equals(field) && value == JsonToken.START_OBJECT) {
					name = nameOf(parser);
				}
				else {
					parser.skipChildren();
				}
			}
		}
		catch (RuntimeException ex) {
			// cut short or not JSON: keep what was read before
		}
		return new JsonRpcPeek(id, method, "tools/call".equals(method) ? name : null);
	}

	/** Reads a {@code params} object to its end, returning its string {@code name}. */
	private static String nameOf(JsonParser parser) {
		String name = null;
		for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
			String field = parser.currentName();
			JsonToken value = parser.nextToken();
			if ("name".equals(field) && value == JsonToken.VALUE_STRING) {
				name = parser.getString();
			}
			else {
				parser.skipChildren();
			}
		}
		return name;
	}

}
