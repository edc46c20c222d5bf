package dev.gatehouse.token;

import static dev.gatehouse.token.AccessTokenVerifierFuzzTests.NOW;
import static dev.gatehouse.token.TokenMutator.ODD_CHARS;
import static dev.gatehouse.token.TokenMutator.printable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;

import dev.gatehouse.support.TestIdp;

/**
 * The structured mutations of {@link TokenMutator}: decode a header or payload, change its JSON members
 * (set {@code alg}/{@code typ}/{@code kid}/{@code crit}/{@code jku}/{@code jwk}, lifetimes, {@code iss},
 * {@code aud} to odd values; remove, duplicate, rename, nest, shuffle), then its text (truncate, wrap,
 * replace, deep nesting), and re-encode it, sometimes as invalid UTF-8. Draws from the mutator's
 * {@code Random} and records into its operations.
 */
final class JsonMutator {

	private final TokenMutator.Corpus corpus;

	private final Random rnd;

	private final List<String> ops;

	/** Whether every header or payload JSON this mutator re-encoded still parses (as the verifier decodes it). */
	private boolean encodedJsonParses = true;

	JsonMutator(TokenMutator.Corpus corpus, Random rnd, List<String> ops) {
		this.corpus = corpus;
		this.rnd = rnd;
		this.ops = ops;
	}

	private static boolean parsesAsObject(String json) {
		try {
			return JSONObjectUtils.parse(json) != null;
		}
		catch (Exception ex) {
			return false;
		}
	}

	/** Decodes a header or payload part, mutates its JSON, re-encodes it. */
	String mutatePart(String part, boolean header) throws Exception {
		return encode(mutateJson(decode(part), header));
	}

	/** Whether every JSON this mutator re-encoded still parses as an object (as the verifier decodes it). */
	boolean encodedJsonParses() {
		return this.encodedJsonParses;
	}

	private static String decode(String part) {
		return new Base64URL(part).decodeToString();
	}

	private String encode(String json) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		if (this.rnd.nextInt(20) == 0) {
			// invalid UTF-8
			int at = this.rnd.nextInt(bytes.length + 1);
			byte[] bad = { (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80 };
			int n = 1 + this.rnd.nextInt(bad.length);
			byte[] out = new byte[bytes.length + n];
			System.arraycopy(bytes, 0, out, 0, at);
			System.arraycopy(bad, 0, out, at, n);
			System.arraycopy(bytes, at, out, at + n, bytes.length - at);
			this.ops.add("invalid-utf8@" + at);
			bytes = out;
		}
		this.encodedJsonParses &= parsesAsObject(new String(bytes, StandardCharsets.UTF_8));
		return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private String mutateJson(String json, boolean header) throws Exception {
		String where = header ? "header" : "payload";
		// members as (name, raw JSON value text), in order, duplicates possible
		List<String[]> members = new ArrayList<>();
		for (Map.Entry<String, Object> e : JSONObjectUtils.parse(json).entrySet()) {
			members.add(new String[] { e.getKey(), toJson(e.getValue()) });
		}
		int n = 1 + this.rnd.nextInt(3);
		for (int i = 0; i < n; i++) {
			int op = this.rnd.nextInt(10);
			if (op <= 3) {
				String name = pick(header ? HEADER_NAMES : PAYLOAD_NAMES);
				String value = valueFor(name, header);
				this.ops.add(where + ".set(" + name + "=" + printable(value, 60) + ")");
				set(members, name, value);
			}
			else if (op == 4 && !members.isEmpty()) {
				String[] removed = members.remove(this.rnd.nextInt(members.size()));
				this.ops.add(where + ".remove(" + removed[0] + ")");
			}
			else if (op == 5 && !members.isEmpty()) {
				// a duplicate key: first or last one with another value
				String[] existing = members.get(this.rnd.nextInt(members.size()));
				String value = valueFor(existing[0], header);
				this.ops.add(where + ".duplicate(" + existing[0] + "=" + printable(value, 60) + ")");
				members.add(this.rnd.nextInt(members.size() + 1), new String[] { existing[0], value });
			}
			else if (op == 6 && !members.isEmpty()) {
				String[] member = members.get(this.rnd.nextInt(members.size()));
				String[] variants = { member[0].toUpperCase(Locale.ROOT), member[0] + " ", " " + member[0],
						member[0] + "\u0000", "\\u00" + Integer.toHexString(member[0].charAt(0)) + member[0].substring(1),
						member[0].replace('i', '\u0131') };
				String renamed = pick(variants);
				this.ops.add(where + ".rename(" + member[0] + "->" + printable(renamed, 20) + ")");
				member[0] = renamed;
			}
			else if (op == 7 && !members.isEmpty()) {
				String[] member = members.get(this.rnd.nextInt(members.size()));
				int depth = pick(new Integer[] { 1, 1, 2, 2, 16, 16, 500, 2_000, 5_000, 20_000 });
				boolean array = this.rnd.nextBoolean();
				this.ops.add(where + ".nest(" + member[0] + "," + (array ? "[]" : "{}") + "x" + depth + ")");
				member[1] = nest(member[1], depth, array);
			}
			else {
				this.ops.add(where + ".shuffle");
				java.util.Collections.shuffle(members, this.rnd);
			}
		}
		StringBuilder out = new StringBuilder("{");
		String separator = this.rnd.nextInt(10) == 0 ? pick(new String[] { " , ", ",\n", "\t,", ",," }) : ",";
		for (int i = 0; i < members.size(); i++) {
			if (i > 0) {
				out.append(separator);
			}
			String name = members.get(i)[0];
			out.append('"').append(name.startsWith("\\u") ? name : escape(name)).append("\":").append(members.get(i)[1]);
		}
		out.append('}');
		String text = out.toString();
		int textOp = this.rnd.nextInt(14);
		switch (textOp) {
			case 0 -> {
				int at = this.rnd.nextInt(text.length() + 1);
				this.ops.add(where + ".truncate@" + at);
				text = text.substring(0, at);
			}
			case 1 -> {
				int at = this.rnd.nextInt(text.length() + 1);
				String c = pick(ODD_CHARS);
				this.ops.add(where + ".insert(" + printable(c, 12) + ")@" + at);
				text = text.substring(0, at) + c + text.substring(at);
			}
			case 2 -> {
				String[] wrappers = { "[%s]", "{\"a\":%s}", "\ufeff%s", "%s ", " %s", "%s}", "%s,", "/*x*/%s", "%s//",
						"%s%s", "\"%s\"" };
				String w = pick(wrappers);
				this.ops.add(where + ".wrap(" + printable(w, 20) + ")");
				text = w.replace("%s", text);
			}
			case 3 -> {
				String[] whole = { "", "null", "[]", "{}", "\"{}\"", "123", "true", "{\"alg\":\"RS256\"}", "{", "}",
						"{\"iss\":}", "{\"a\":NaN}", "{\"a\":Infinity}", "{'alg':'RS256'}" };
				String w = pick(whole);
				this.ops.add(where + ".replace-all(" + w + ")");
				text = w;
			}
			case 4 -> {
				int depth = pick(new Integer[] { 100, 100, 2_000, 5_000, 20_000 });
				this.ops.add(where + ".deep-wrap-x" + depth);
				text = "{\"x\":".repeat(depth) + text + "}".repeat(depth);
			}
			default -> {
				// leave the text as built
			}
		}
		return text;
	}

	private static void set(List<String[]> members, String name, String value) {
		for (String[] member : members) {
			if (member[0].equals(name)) {
				member[1] = value;
				return;
			}
		}
		members.add(new String[] { name, value });
	}

	private static String nest(String value, int depth, boolean array) {
		StringBuilder out = new StringBuilder(value.length() + depth * 8);
		out.append((array ? "[" : "{\"n\":").repeat(depth));
		out.append(value);
		out.append((array ? "]" : "}").repeat(depth));
		return out.toString();
	}

	private static final String[] HEADER_NAMES = { "alg", "alg", "alg", "typ", "typ", "kid", "kid", "crit", "jku",
			"jwk", "x5u", "x5c", "x5t", "x5t#S256", "b64", "cty", "enc", "zip", "p2c", "epk", "iss" };

	private static final String[] PAYLOAD_NAMES = { "iss", "iss", "iss", "aud", "aud", "exp", "exp", "exp", "nbf",
			"nbf", "iat", "iat", "sub", "scope", "scp", "client_id", "azp", "jti", "cnf", "act" };

	private static final String[] NUMBERS = { "0", "-0", "-1", "1", "1.5", "-1.5", "1e308", "-1e308", "1e400", "1E2",
			"9223372036854775807", "-9223372036854775808", "9223372036854775808", "9223372036854776",
			"18446744073709551616", "1772366700.999", "1.7723667E9", "0.0000001", "123456789012345678901234567890",
			"NaN", "Infinity", "0x10", "01", "+1", "1.", ".5" };

	private static final String[] ODD_VALUES = { "null", "true", "false", "\"\"", "[]", "{}", "[null]", "[1,2]",
			"[\"a\",1,null,{}]", "{\"a\":1}", "\"\\u0000\"", "\"\\ud800\"", "\"a\\u0000b\"", "\"\u202e\"",
			"\"" + "x".repeat(5000) + "\"" };

	private String valueFor(String name, boolean header) {
		if (this.rnd.nextInt(4) == 0) {
			return this.rnd.nextBoolean() ? pick(ODD_VALUES) : pick(NUMBERS);
		}
		long now = NOW.getEpochSecond();
		TestIdp corpIdp = this.corpus.corpIdp();
		TestIdp partnerIdp = this.corpus.partnerIdp();
		MutantSigner signer = this.corpus.signer();
		String corpIssuer = corpIdp.issuer();
		String partnerIssuer = partnerIdp.issuer();
		String corpKid = corpIdp.key().getKeyID();
		return switch (name) {
			case "alg" -> pick(new String[] { "\"RS256\"", "\"none\"", "\"None\"", "\"NONE\"", "\"HS256\"", "\"ES256\"",
					"\"PS256\"", "\"RS512\"", "\"RS256 \"", "\"rs256\"", "\"\"", "\"EdDSA\"", "\"dir\"",
					"\"RSA-OAEP-256\"", "[\"RS256\"]", "\"RS256\\u0000\"" });
			case "typ" -> pick(new String[] { "\"JWT\"", "\"at+jwt\"", "\"application/at+jwt\"", "\"AT+JWT\"",
					"\"id_token+jwt\"", "\"dpop+jwt\"", "\"\"", "[\"JWT\"]", "\"at+jwt \"", "\"\u0130D_TOKEN+JWT\"",
					"\"at\u017fjwt\"" });
			case "kid" -> pick(new String[] { json(corpKid), json(partnerIdp.key().getKeyID()),
					json(signer.attackerRsa().getKeyID()), json("attacker-ec"), "\"\"", json(corpKid + "\u0000"),
					json(corpKid.toUpperCase(Locale.ROOT)), "[" + json(corpKid) + "]", json("../../etc/passwd"),
					json(java.util.UUID.nameUUIDFromBytes(new byte[] { (byte) this.rnd.nextInt() }).toString()) });
			case "crit" -> pick(new String[] { "[\"exp\"]", "[\"b64\"]", "[]", "[\"unknown\"]", "\"b64\"", "[1]",
					"[\"alg\"]", "[\"b64\",\"b64\"]" });
			case "b64" -> pick(new String[] { "false", "true", "\"false\"" });
			case "jku", "x5u" -> pick(new String[] { "\"http://127.0.0.1:1/jwks\"", "\"https://evil.example/jwks\"",
					json(corpIssuer + "/v1/keys"), "1" });
			case "jwk" -> pick(new String[] { signer.attackerRsa().toPublicJWK().toJSONString(),
					signer.attackerRsaWithCorpKid().toPublicJWK().toJSONString(), corpIdp.key().toPublicJWK().toJSONString(),
					signer.attackerEc().toPublicJWK().toJSONString(), "{\"kty\":\"RSA\"}", "\"x\"" });
			case "x5c" -> pick(new String[] { "[\"MIIB\"]", "\"MIIB\"", "[]", "[1]" });
			case "x5t", "x5t#S256" -> pick(new String[] { "\"AAAA\"", "\"!!\"", "1" });
			case "enc" -> pick(new String[] { "\"A256GCM\"", "\"bogus\"" });
			case "zip" -> "\"DEF\"";
			case "cty" -> pick(new String[] { "\"JWT\"", "\"json\"" });
			case "p2c" -> pick(new String[] { "1000000000", "-1" });
			case "epk" -> signer.attackerEc().toPublicJWK().toJSONString();
			case "iss" -> pick(new String[] { json(corpIssuer), json(partnerIssuer), json(corpIssuer + "/"),
					json(corpIssuer.toUpperCase(Locale.ROOT)), json(corpIssuer + " "), json(corpIssuer + "\u0000"),
					json(" " + corpIssuer), "[" + json(corpIssuer) + "]", "{\"iss\":" + json(corpIssuer) + "}",
					json(corpIssuer.replace("127.0.0.1", "127.0.0.l")), json(corpIssuer.replace("oauth2", "oauth2/.")),
					json("https://evil.example.com/oauth2/default") });
			case "aud" -> pick(new String[] { "\"https://mcp.example.com/mcp/jira\"",
					"[\"https://mcp.example.com/mcp/jira\",\"x\"]", "[\"https://mcp.example.com/mcp/jira\",1]",
					"[[\"https://mcp.example.com/mcp/jira\"]]", "\"\"", "[\"\"]" });
			case "exp", "nbf", "iat" -> pick(new String[] { Long.toString(now + 300), Long.toString(now - 300),
					Long.toString(now + 61), Long.toString(now - 61), Long.toString(now + 60), Long.toString(now - 60),
					"\"" + (now + 300) + "\"", "\"2026-03-01T12:05:00Z\"", (now + 300) + ".5", (now - 61) + ".999",
					"1.7723667E9", "9223372036854775807", "9223372036854776", "9223372036854775", "-9223372036854775808",
					"18446744073709552", Long.toString(18446744073709551L + now),
					Long.toString(now + 300 - 18446744073709552L), "1e19", "1e300", "-1e300", "-1",
					"0", "[" + (now + 300) + "]", "{\"$date\":" + (now + 300) + "}", "true", "null" });
			case "sub" -> pick(new String[] { "\"alice\"", "\"admin\"", "1", "1.5", "\"\"", "\"a\\u0000b\"", "[\"alice\"]" });
			case "scope" -> pick(new String[] { "\"admin\"", "\"  jira:read \\t jira:write \"", "[\"admin\"]",
					"[\"a\",\"a\"]", "\" \"", "1", "{\"admin\":true}" });
			case "scp" -> pick(new String[] { "[\"admin\"]", "[\"a\",\"a\",null,1]", "\"admin write\"", "[]",
					"[[\"admin\"]]" });
			case "client_id", "azp" -> pick(new String[] { "\"client-1\"", "1", "[\"client-1\"]", "\"\"" });
			default -> pick(ODD_VALUES);
		};
	}

	private <T> T pick(T[] values) {
		return values[this.rnd.nextInt(values.length)];
	}

	/** {@code value} as JSON text, written by hand: a JSON library would normalise what a mutant keeps odd. */
	static String json(Object value) {
		return toJson(value);
	}

	private static String toJson(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof String s) {
			return "\"" + escape(s) + "\"";
		}
		if (value instanceof Number || value instanceof Boolean) {
			return value.toString();
		}
		if (value instanceof List<?> list) {
			StringBuilder out = new StringBuilder("[");
			for (int i = 0; i < list.size(); i++) {
				out.append((i > 0) ? "," : "").append(toJson(list.get(i)));
			}
			return out.append(']').toString();
		}
		if (value instanceof Map<?, ?> map) {
			StringBuilder out = new StringBuilder("{");
			boolean first = true;
			for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
				out.append(first ? "" : ",").append(toJson(String.valueOf(e.getKey()))).append(':').append(toJson(e.getValue()));
				first = false;
			}
			return out.append('}').toString();
		}
		return toJson(value.toString());
	}

	private static String escape(String s) {
		StringBuilder out = new StringBuilder();
		for (char c : s.toCharArray()) {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				default -> {
					if (c < 0x20) {
						out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}

}
