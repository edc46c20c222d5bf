package dev.gatehouse.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tokens no IdP would issue, for hostile-input tests: a compact JWS over exactly the header and payload
 * text given (duplicate keys, odd JSON and any {@code alg} survive), signed by any signer, or unsigned, or
 * a JWE. Start from {@link #header} / {@link #claims} (a valid access token's) and override or
 * {@link #DROP} entries. {@link TestTokens} is for well-formed tokens; this is for everything else.
 */
public final class ForgedTokens {

	/** As an override value: remove the entry. */
	public static final Object DROP = new Object();

	private static final JsonMapper json = JsonMapper.builder().build();

	private ForgedTokens() {
	}

	/** {@code {"alg":"RS256","kid":<kid>,"typ":"at+jwt"}} with overrides {@code name, value, ...}. */
	public static Map<String, Object> header(String kid, Object... overrides) {
		return with(new LinkedHashMap<>(Map.of("alg", "RS256", "kid", kid, "typ", "at+jwt")), overrides);
	}

	/** A valid access token's claims (client {@code test-client}, scope {@code mcp:read}, 5 minutes) with overrides. */
	public static Map<String, Object> claims(String issuer, String audience, Object... overrides) {
		long now = Instant.now().getEpochSecond();
		return with(new LinkedHashMap<>(Map.of("iss", issuer, "sub", "alice", "aud", audience, "client_id", "test-client", "scope",
				"mcp:read", "iat", now, "nbf", now, "exp", now + 300, "jti", UUID.randomUUID().toString())), overrides);
	}

	private static Map<String, Object> with(Map<String, Object> map, Object... overrides) {
		for (int i = 0; i < overrides.length; i += 2) {
			if (overrides[i + 1] == DROP) {
				map.remove((String) overrides[i]);
			}
			else {
				map.put((String) overrides[i], overrides[i + 1]);
			}
		}
		return map;
	}

	/** A compact JWS over exactly these texts, signed as {@code alg} whatever the header says. */
	public static String jws(JWSSigner signer, String alg, String header, String payload) {
		String input = b64(header) + "." + b64(payload);
		return input + "." + unchecked(() -> signer.sign(new JWSHeader(JWSAlgorithm.parse(alg)), input.getBytes(StandardCharsets.US_ASCII)));
	}

	/** As {@link #jws(JWSSigner, String, String, String)}, with JSON text or a map written as JSON for each part. */
	public static String jws(JWSSigner signer, String alg, Object header, Object payload) {
		return jws(signer, alg, (header instanceof String text) ? text : json(header), (payload instanceof String text) ? text : json(payload));
	}

	/** {@code header.payload.} with an empty signature. */
	public static String unsigned(Map<String, Object> header, Map<String, Object> claims) {
		return b64(json(header)) + "." + b64(json(claims)) + ".";
	}

	/** A JWE (5 parts): to {@code key} with RSA algorithms, to a zero key with {@code dir}. */
	public static String jwe(JWEAlgorithm alg, EncryptionMethod enc, String payload, RSAKey key) {
		JWEObject jwe = new JWEObject(new JWEHeader.Builder(alg, enc).keyID(key.getKeyID()).contentType("JWT").build(), new Payload(payload));
		unchecked(() -> {
			jwe.encrypt((alg == JWEAlgorithm.DIR) ? new DirectEncrypter(new byte[32]) : new RSAEncrypter(key.toRSAPublicKey()));
			return null;
		});
		return jwe.serialize();
	}

	public static String sha256(String text) {
		return b64(unchecked(() -> MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII))));
	}

	public static String json(Object value) {
		return json.writeValueAsString(value);
	}

	public static String b64(String text) {
		return b64(text.getBytes(StandardCharsets.UTF_8));
	}

	public static String b64(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** Runs {@code call}, turning a checked exception into an {@link IllegalStateException}. */
	public static <T> T unchecked(Callable<T> call) {
		try {
			return call.call();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
