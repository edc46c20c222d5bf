package dev.gatehouse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.gatehouse.support.ForgedTokens.DROP;
import static dev.gatehouse.support.ForgedTokens.b64;
import static dev.gatehouse.support.ForgedTokens.json;
import static dev.gatehouse.support.ForgedTokens.jwe;
import static dev.gatehouse.support.ForgedTokens.jws;
import static dev.gatehouse.support.ForgedTokens.sha256;
import static dev.gatehouse.support.ForgedTokens.unchecked;
import static dev.gatehouse.support.ForgedTokens.unsigned;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.support.ForgedTokens;
import dev.gatehouse.support.RawExchange;
import dev.gatehouse.support.RecordingBackend;
import dev.gatehouse.support.GatewayUnderTest;
import dev.gatehouse.support.TestIdp;

/**
 * Hostile input against a booted Gatehouse with two routes ({@code /mcp/test} -> backend A {@code /up/a},
 * {@code /mcp/other} -> backend B {@code /up/b}), each backend recording every request: forged and malformed
 * tokens, hostile transports, and request targets a client library would normalise (all sent raw over a
 * socket). Every case asserts the status, the {@code reason}, the challenge shape, that neither the token nor
 * any 20-char piece of its signature comes back, and exactly which backend saw what (nothing, unless the case
 * is the route itself with a valid token). Expected outcomes are written {@code status[:reason][@backend path]}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT)
class HostileInputIntegrationTests {

	static final TestIdp idp = new TestIdp();

	static final RecordingBackend backendA = new RecordingBackend(), backendB = new RecordingBackend();

	/** Serves the attacker's JWKS; jku/x5u pointing here must never be fetched. */
	static final WireMockServer attacker = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	static final GatewayUnderTest gateway = new GatewayUnderTest();

	static final int port = gateway.port();

	static final String origin = gateway.origin(), resourceA = origin + "/mcp/test", resourceB = origin + "/mcp/other",
			INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}";

	static final RSAKey attackerRsa = TestIdp.newKey();

	static final ECKey attackerEc = unchecked(() -> new ECKeyGenerator(Curve.P_256).keyID("attacker-ec").generate());

	static final JWSSigner idpSigner = unchecked(() -> new RSASSASigner(idp.key())), ecSigner = unchecked(() -> new ECDSASigner(attackerEc));

	static final String TOKEN = tokenFor(resourceA);

	static {
		attacker.start();
		attacker.stubFor(get("/jwks").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody(new JWKSet(attackerRsa.toPublicJWK()).toString())));
	}

	@DynamicPropertySource
	static void gatehouse(DynamicPropertyRegistry registry) {
		gateway.register(registry, idp);
		registry.add("gatehouse.allowed-origins[0]", () -> "https://inspector.example.com");
		registry.add("gatehouse.allowed-hosts[0]", () -> "alias.example");
		registry.add("gatehouse.root-metadata-route", () -> "test");
		for (String[] r : new String[][] { { "test", "/mcp/test", backendA.url() + "/up/a", "mcp:read,mcp:write" },
				{ "other", "/mcp/other", backendB.url() + "/up/b", "mcp:read" } }) {
			String prefix = "gatehouse.routes." + r[0] + ".";
			registry.add(prefix + "path", () -> r[1]);
			registry.add(prefix + "upstream", () -> r[2]);
			registry.add(prefix + "issuers[0]", () -> "corp");
			registry.add(prefix + "allowed-clients[0]", () -> "test-client");
			registry.add(prefix + "allowed-scopes", () -> r[3]);
		}
	}

	@AfterAll
	static void stop() {
		backendA.close();
		backendB.close();
		attacker.stop();
		idp.close();
	}

	@BeforeEach
	void awaitIssuerKeys() throws Exception {
		for (int i = 0; i < 100 && RawExchange.send(port, "POST", "/mcp/test", INIT, auth(TOKEN)).status() == 503; i++) {
			Thread.sleep(100);
		}
	}

	// --- tokens: POST /mcp/test with "Authorization: Bearer <token>" ---------------------------------------

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void tokens(String token, String expected) {
		probe("POST", "/mcp/test", INIT, List.of(auth(token)), token, expected);
		assertThat(attacker.getAllServeEvents()).as("jku/x5u fetched").isEmpty();
	}

	static Stream<Arguments> tokens() {
		String iss = idp.issuer(), host = URI.create(iss).getHost(), authority = URI.create(iss).getAuthority();
		String claims = json(claims()), header = json(header()), valid = TOKEN, jku = attacker.baseUrl() + "/jwks";
		String[] p = valid.split("\\.");
		byte[] der = unchecked(() -> idp.key().toRSAPublicKey().getEncoded()), flipped = Base64.getUrlDecoder().decode(p[2]);
		flipped[10] ^= 0x01;
		String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
		String ALG = "algorithm_not_allowed", MAL = "malformed_token", KEY = "unknown_key", SIG = "invalid_signature",
				EXP = "token_expired", NYV = "token_not_yet_valid", ISS = "issuer_not_allowed", AUD = "audience_mismatch";
		long now = Instant.now().getEpochSecond();
		List<Arguments> c = new ArrayList<>();
		// algorithm confusion; only the exact "none" is an unsecured JWT, other spellings are JWS with an empty signature
		for (String none : List.of("none", "None", "NONE", "nOnE")) {
			c.add(tc("alg " + none + " (unsigned)", none.equals("none") ? ALG : MAL, unsigned(header("alg", none), claims())));
		}
		c.add(tc("alg none with a real RS256 signature kept", MAL, jws(idpSigner, "RS256", json(header("alg", "none")), claims)));
		for (String hs : List.of("HS256", "HS384", "HS512")) {
			c.add(tc(hs + " keyed with the IdP RSA public key (DER)", ALG, jws(unchecked(() -> new MACSigner(der)), hs, json(header("alg", hs)), claims)));
		}
		c.add(tc("HS256 keyed with the IdP public key (PEM text)", ALG, jws(unchecked(() -> new MACSigner(pem.getBytes(StandardCharsets.US_ASCII))), "HS256", json(header("alg", "HS256")), claims)));
		c.add(tc("ES256 (attacker EC key) with the kid of the IdP RSA key", ALG, jws(ecSigner, "ES256", json(header("alg", "ES256")), claims)));
		c.add(tc("ES256 (attacker EC key) with its own kid", ALG, jws(ecSigner, "ES256", json(header("alg", "ES256", "kid", "attacker-ec")), claims)));
		for (String alg : List.of("PS256", "PS512", "RS384", "RS512")) {
			c.add(tc(alg + " signed by the IdP key (not allowed)", ALG, jws(idpSigner, alg, json(header("alg", alg)), claims)));
		}
		c.add(tc("alg rs256 in lower case", ALG, jws(idpSigner, "RS256", json(header("alg", "rs256")), claims)));
		c.add(tc("alg missing", MAL, idpSigned(header("alg", DROP), claims())));
		c.add(tc("alg a number", MAL, idpSigned(header("alg", 256), claims())));
		// keys and key-carrying headers
		c.add(tc("unknown kid, attacker key", KEY, attackerSigned(header("kid", "attacker-" + UUID.randomUUID()))));
		c.add(tc("kid ../../etc/passwd", KEY, attackerSigned(header("kid", "../../etc/passwd"))));
		c.add(tc("kid ' OR 1=1 --", KEY, attackerSigned(header("kid", "' OR 1=1 --"))));
		c.add(tc("kid empty", KEY, attackerSigned(header("kid", ""))));
		c.add(tc("kid a number", MAL, attackerSigned(header("kid", 42))));
		c.add(tc("no kid, attacker key", SIG, attackerSigned(header("kid", DROP))));
		c.add(tc("IdP kid, attacker key", SIG, attackerSigned(header())));
		c.add(tc("jku to the attacker JWKS, attacker kid", KEY, attackerSigned(header("jku", jku, "kid", attackerRsa.getKeyID()))));
		c.add(tc("jku to the attacker JWKS, IdP kid", SIG, attackerSigned(header("jku", jku))));
		c.add(tc("x5u to an attacker cert, attacker kid", KEY, attackerSigned(header("x5u", attacker.baseUrl() + "/c.pem", "kid", attackerRsa.getKeyID()))));
		c.add(tc("x5c with the attacker key, no kid", SIG, attackerSigned(header("x5c", List.of(Base64.getEncoder()
			.encodeToString(unchecked(() -> attackerRsa.toRSAPublicKey().getEncoded()))), "kid", DROP))));
		c.add(tc("embedded jwk (attacker), attacker kid", KEY, attackerSigned(header("jwk", attackerRsa.toPublicJWK().toJSONObject(), "kid", attackerRsa.getKeyID()))));
		c.add(tc("embedded jwk (attacker), no kid", SIG, attackerSigned(header("jwk", attackerRsa.toPublicJWK().toJSONObject(), "kid", DROP))));
		c.add(tc("embedded EC jwk with the IdP kid", SIG, attackerSigned(header("jwk", attackerEc.toPublicJWK().toJSONObject()))));
		c.add(tc("crit names an unknown header (IdP-signed)", SIG, idpSigned(header("crit", List.of("x-evil"), "x-evil", true), claims())));
		c.add(tc("crit names an absent header (IdP-signed)", SIG, idpSigned(header("crit", List.of("x-absent")), claims())));
		c.add(tc("crit b64=false, RFC 7797 (IdP-signed)", SIG, idpSigned(header("crit", List.of("b64"), "b64", false), claims())));
		// signature
		c.add(tc("stripped signature (a.b.)", MAL, p[0] + "." + p[1] + "."));
		c.add(tc("signature with one bit flipped", SIG, p[0] + "." + p[1] + "." + b64(flipped)));
		// 2 chars keep a canonical base64url length; other truncations leave stray bits (malformed_token)
		c.add(tc("signature truncated by 2 chars", SIG, valid.substring(0, valid.length() - 2)));
		c.add(tc("signature of another token", SIG, p[0] + "." + p[1] + "." + tokenFor(resourceB).split("\\.")[2]));
		c.add(tc("signature doubled", SIG, valid + p[2]));
		c.add(tc("payload swapped under a valid signature", SIG, p[0] + "." + b64(json(claims("sub", "admin"))) + "." + p[2]));
		// JWE (5 parts), never decrypted
		c.add(tc("JWE RSA-OAEP-256/A256GCM to the IdP key", ALG, jwe(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM, claims, idp.key())));
		c.add(tc("JWE RSA1_5/A128CBC-HS256 to the IdP key", ALG, jwe(JWEAlgorithm.RSA1_5, EncryptionMethod.A128CBC_HS256, claims, idp.key())));
		c.add(tc("JWE dir/A256GCM", ALG, jwe(JWEAlgorithm.DIR, EncryptionMethod.A256GCM, claims, idp.key())));
		c.add(tc("JWE wrapping a valid JWS (nested JWT)", ALG, jwe(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM, valid, idp.key())));
		c.add(tc("five parts of garbage", MAL, "aaaa.bbbb.cccc.dddd.eeee"));
		// structure
		c.add(tc("1 part", MAL, p[1]));
		c.add(tc("2 parts", MAL, p[0] + "." + p[1]));
		c.add(tc("4 parts", MAL, valid + ".AAAA"));
		c.add(tc("6 parts", MAL, valid + ".AAAA.BBBB.CCCC"));
		c.add(tc("only dots (..)", MAL, ".."));
		c.add(tc("header not JSON", MAL, b64("hello") + "." + p[1] + "." + p[2]));
		c.add(tc("header a JSON array", MAL, idpSigned("[" + header + "]", claims)));
		c.add(tc("payload not JSON", MAL, idpSigned(header, "not json")));
		c.add(tc("payload a JSON array", MAL, idpSigned(header, "[" + claims + "]")));
		c.add(tc("payload a JSON string", MAL, idpSigned(header, "\"" + iss + "\"")));
		c.add(tc("duplicate iss (trusted, then attacker)", MAL, idpSigned(header, claims.replaceFirst("}$", ",\"iss\":\"https://evil.example\"}"))));
		c.add(tc("duplicate iss (attacker, then trusted)", MAL, idpSigned(header, claims.replaceFirst("\\{", "{\"iss\":\"https://evil.example\","))));
		c.add(tc("duplicate aud", MAL, idpSigned(header, claims.replaceFirst("}$", ",\"aud\":\"" + resourceB + "\"}"))));
		c.add(tc("duplicate alg (RS256, none)", MAL, idpSigned(header.replaceFirst("}$", ",\"alg\":\"none\"}"), claims)));
		c.add(tc("claim nested 5000 arrays deep", MAL, idpSigned(header, claims.replaceFirst("}$", ",\"d\":" + "[".repeat(5000) + "]".repeat(5000) + "}"))));
		c.add(tc("claim nested 1000 objects deep", MAL, idpSigned(header, claims.replaceFirst("}$", ",\"d\":" + "{\"a\":".repeat(1000) + "1" + "}".repeat(1000) + "}"))));
		// lifetime (default skew 60 s)
		Object[][] lifetime = { { "exp a string", "exp", String.valueOf(now + 300), MAL }, { "exp a float in the past", "exp", now - 600.5, EXP },
				{ "exp 1e300 (beyond year 9999)", "exp", 1e300, MAL }, { "exp 2^63", "exp", BigInteger.TWO.pow(63), MAL }, { "exp negative", "exp", -1, MAL },
				{ "nbf 2^62 (wraps to the past in milliseconds)", "nbf", BigInteger.TWO.pow(62), MAL },
				{ "exp missing", "exp", DROP, "expiry_missing" }, { "exp past beyond the skew", "exp", now - 120, EXP },
				{ "exp a boolean", "exp", true, MAL }, { "exp an array", "exp", List.of(now + 300), MAL },
				{ "nbf in the future beyond the skew", "nbf", now + 300, NYV }, { "iat in the future beyond the skew", "iat", now + 300, NYV },
				{ "nbf a string", "nbf", String.valueOf(now), MAL }, { "iat an object", "iat", Map.of("t", now), MAL },
				// issuer: exact comparison, no normalisation
				{ "iss with a trailing slash", "iss", iss + "/", ISS }, { "iss upper-case host", "iss", iss.replace(host, host.toUpperCase(Locale.ROOT)), ISS },
				{ "iss upper-case scheme", "iss", iss.replace("http:", "HTTP:"), ISS }, { "iss IP for host name", "iss", iss.replace(host, "127.0.0.1"), ISS },
				{ "iss Cyrillic о homoglyph in host", "iss", iss.replace(host, host.replace("o", "\u043e")), ISS },
				{ "iss Cyrillic о homoglyph in path", "iss", iss.replace("oauth2", "\u043eauth2"), ISS },
				{ "iss another port", "iss", iss.replace(authority, host + ":1"), ISS }, { "iss https for http", "iss", iss.replace("http:", "https:"), ISS },
				{ "iss upper-case path", "iss", iss.replace("/oauth2/default", "/OAUTH2/DEFAULT"), ISS }, { "iss dot segment", "iss", iss + "/../default", ISS },
				{ "iss percent-encoded", "iss", iss.replace("oauth2", "%6Fauth2"), ISS }, { "iss trailing space", "iss", iss + " ", ISS },
				{ "iss missing", "iss", DROP, ISS }, { "iss an array holding the issuer", "iss", List.of(iss), MAL },
				// audience (RFC 8707 resource of the route, exact)
				{ "aud with a trailing slash", "aud", resourceA + "/", AUD }, { "aud upper-case path", "aud", origin + "/MCP/TEST", AUD },
				{ "aud upper-case scheme", "aud", resourceA.replace("http:", "HTTP:"), AUD }, { "aud another route", "aud", resourceB, AUD },
				{ "aud array without ours", "aud", List.of(resourceB, origin), AUD }, { "aud missing", "aud", DROP, AUD },
				{ "aud empty array", "aud", List.of(), AUD }, { "aud origin only", "aud", origin, AUD }, { "aud with a query", "aud", resourceA + "?x=1", AUD },
				{ "aud a number", "aud", 42, MAL }, { "aud a nested array", "aud", List.of(List.of(resourceA)), MAL },
				{ "client_id of another client", "client_id", "evil-client", "client_not_allowed" },
				{ "client_id an array", "client_id", List.of("test-client"), "client_not_allowed" } };
		for (Object[] l : lifetime) {
			c.add(tc((String) l[0], (String) l[3], idpSigned(header(), claims(l[1], l[2]))));
		}
		c.add(tc("token for route other presented to route test", AUD, tokenFor(resourceB)));
		c.add(tc("ID token (typ JWT, aud = client id, no scope)", AUD, idpSigned(header("typ", "JWT"), claims("aud", "test-client",
				"scope", DROP, "client_id", DROP, "azp", "test-client", "nonce", "n-0S6", "auth_time", now))));
		for (String typ : List.of("id_token+jwt", "dpop+jwt", "jwt+something", "JOSE", "secevent+jwt", "at+jwt ")) {
			c.add(tc("typ " + typ, "token_type_not_allowed", idpSigned(header("typ", typ), claims())));
		}
		c.add(tc("typ a number", MAL, idpSigned(header("typ", 1), claims())));
		// Tomcat answers 400 (not 431) past server.max-http-request-header-size: 16KB, before any filter
		// larger than Tomcat's socket read buffer (4 KiB here) and its default header limit (8 KiB): still proxied
		c.add(tc("12 KB valid-signed token", "200@A/up/a", idpSigned(header(), claims("pad", "x".repeat(8_000)))));
		c.add(tc("20 KB valid-signed token", "400", idpSigned(header(), claims("pad", "x".repeat(15_000)))));
		return c.stream();
	}

	// --- transport: headers, query, body around POST /mcp/test --------------------------------------------

	record Tx(String target, String body, List<String> headers) {
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void transport(Tx tx, String expected) {
		probe("POST", tx.target(), tx.body(), tx.headers(), TOKEN, expected);
	}

	/** Trailer fields are parsed by Tomcat and not forwarded; past its (small) trailer buffer the request is refused. */
	@ParameterizedTest(name = "{0}")
	@CsvSource({ "small trailer field, 20, 200@A/up/a", "trailer fields over 1 KiB, 1100, 400" })
	void chunkedBodyWithTrailer(String name, int trailerLength, String expected) {
		int beforeA = backendA.hits().size(), beforeB = backendB.hits().size();
		RawExchange r = RawExchange.chunked(port, "/mcp/test", INIT, "X-Checksum: " + "c".repeat(trailerLength), auth(TOKEN));
		verify(r, beforeA, beforeB, "POST", "/mcp/test", TOKEN, expected);
		if (expected.startsWith("200")) {
			assertThat(backendA.hits().get(beforeA).headers()).doesNotContainKey("x-checksum");
		}
	}

	static Stream<Arguments> transport() {
		String t = TOKEN, bearer = auth(t), form = "Content-Type: application/x-www-form-urlencoded", BAD = "400:malformed_authorization_header",
				MISSING = "401:token_missing", Q = "400:token_in_query", O = "403:origin_not_allowed", OK = "200@A/up/a";
		List<Arguments> c = new ArrayList<>();
		c.add(tx("two Authorization headers, both valid", "400:multiple_authorization_headers", "/mcp/test", bearer, bearer));
		c.add(tx("two Authorization headers, Basic then Bearer", "400:multiple_authorization_headers", "/mcp/test", "Authorization: Basic dXNlcjpwYXNz", bearer));
		c.add(tx("Authorization header and access_token query", Q, "/mcp/test?access_token=" + t, bearer));
		c.add(tx("access_token query alone", Q, "/mcp/test?access_token=" + t));
		c.add(tx("%61ccess_token encoded name", Q, "/mcp/test?%61ccess_token=" + t));
		c.add(tx("access_token after another parameter", Q, "/mcp/test?a=1&access_token=" + t, bearer));
		c.add(tx("empty access_token parameter", Q, "/mcp/test?access_token=", bearer));
		c.add(Arguments.of(Named.of("access_token in a form body", new Tx("/mcp/test", "access_token=" + t, List.of(form))), Q));
		c.add(Arguments.of(Named.of("access_token in a form body, charset", new Tx("/mcp/test", "access_token=" + t, List.of(form + "; charset=UTF-8"))), Q));
		c.add(Arguments.of(Named.of("access_token in a form body and a valid header", new Tx("/mcp/test", "a=1&access_token=" + t, List.of(form, bearer))), Q));
		String[][] malformed = { { "Bearer alone", "Bearer" }, { "Bearer and a space", "Bearer " }, { "Bearer token extra", "Bearer " + t + " extra" },
				{ "Bearer token with commas", "Bearer " + t.replace(".", ",") }, { "Bearer token with a quote", "Bearer " + t + "\"" },
				{ "Bearer quoted token", "Bearer \"" + t + "\"" }, { "Bearer token with non-ASCII", "Bearer " + t.substring(0, 30) + "é" + t.substring(30) },
				{ "Bearer token list", "Bearer " + t + ", Bearer " + t }, { "Bearer token with = inside", "Bearer " + t.replaceFirst("\\.", "=.") } };
		for (String[] m : malformed) {
			c.add(tx(m[0], BAD, "/mcp/test", "Authorization: " + m[1]));
		}
		// refused by Tomcat's parser (HTML 400, no reason) before any filter
		c.add(tx("Authorization with a control character (0x01)", "400", "/mcp/test", "Authorization: Bearer " + t.substring(0, 20) + "\u0001" + t.substring(20)));
		c.add(tx("Authorization with DEL (0x7f)", "400", "/mcp/test", "Authorization: Bearer " + t + "\u007f"));
		c.add(tx("Authorization with NUL", "400", "/mcp/test", "Authorization: Bearer " + t + "\u0000"));
		c.add(tx("two Host headers, valid token", "400", "/mcp/test", "Host: evil.example", "Host: 127.0.0.1", bearer));
		// not the Bearer scheme: no token
		for (String scheme : List.of("Bearer\t" + t, "Basic dXNlcjpwYXNz", "Token " + t, "Bearer" + t, "")) {
			c.add(tx("Authorization: " + scheme.substring(0, Math.min(scheme.length(), 14)).replace("\t", "<TAB>") + "...", MISSING, "/mcp/test", "Authorization: " + scheme));
		}
		c.add(tx("Content-Length and Transfer-Encoding (smuggling), no token", MISSING, "/mcp/test", "Transfer-Encoding: chunked"));
		for (String o : List.of("https://evil.example.com", "null", "https://inspector.example.com/", "HTTPS://INSPECTOR.EXAMPLE.COM", "http://127.0.0.1:1")) {
			c.add(tx("Origin " + o, O, "/mcp/test", "Origin: " + o, bearer));
		}
		c.add(tx("Origin https://evil.example.com, no token", O, "/mcp/test", "Origin: https://evil.example.com"));
		// an allowed alias Host changes nothing either: resource and resource_metadata come from public-url
		for (String s : List.of("Host: alias.example", "X-Forwarded-Host: evil.example", "X-Forwarded-Proto: https", "X-Forwarded-Port: 443",
				"X-Forwarded-Prefix: /evil", "Forwarded: for=6.6.6.6;host=evil.example;proto=https", "X-Forwarded-For: 6.6.6.6",
				"X-Real-IP: 6.6.6.6", "X-Original-URL: /mcp/other", "X-Rewrite-URL: /mcp/other", "X_Forwarded_Host: evil.example")) {
			c.add(tx(s + ", no token", MISSING, "/mcp/test", s));
			c.add(tx(s + ", valid token (control)", OK, "/mcp/test", s, bearer));
		}
		c.add(tx("Cookie and Proxy-Authorization, valid token (control)", OK, "/mcp/test", "Cookie: s=1", "Proxy-Authorization: Basic eDp5", bearer));
		c.add(tx("bearer in lower case (control)", OK, "/mcp/test", "Authorization: bearer " + t));
		c.add(tx("BEARER in upper case (control)", OK, "/mcp/test", "Authorization: BEARER " + t));
		c.add(tx("Bearer and two spaces (control)", OK, "/mcp/test", "Authorization: Bearer  " + t));
		c.add(tx("Authorization folded over two lines, unfolded by Tomcat (control)", OK, "/mcp/test", "Authorization: Bearer\r\n " + t));
		return c.stream();
	}

	// --- Host: DNS rebinding protection (public host on any port, plus allowed-hosts alias.example) -------

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void hosts(String method, String target, String host, String token, String expected) {
		probe(method, target, INIT, (token != null) ? List.of("Host: " + host, auth(token)) : List.of("Host: " + host), token, expected);
	}

	static Stream<Arguments> hosts() {
		String H = "421:host_not_allowed", metadata = "/.well-known/oauth-protected-resource/mcp/test";
		String[][] rows = { { "evil.example", H, H }, { "EVIL.EXAMPLE:" + port, H, H }, { "127.0.0.1.evil.example", H, H },
				{ "localhost:" + port, H, H }, { "[::1]:" + port, H, H }, { "alias.example.", H, H }, { "alias.example.evil.example", H, H },
				{ "xalias.example", H, H }, { "", H, H }, { "127.0.0.1", "401:token_missing", "200@A/up/a" },
				{ "127.0.0.1:1", "401:token_missing", "200@A/up/a" }, { "alias.example", "401:token_missing", "200@A/up/a" },
				{ "ALIAS.Example:8443", "401:token_missing", "200@A/up/a" } };
		List<Arguments> c = new ArrayList<>();
		for (String[] r : rows) {
			c.add(Arguments.of(Named.of("POST /mcp/test, Host: " + r[0] + " [no token]", "POST"), "/mcp/test", r[0], null, r[1]));
			c.add(Arguments.of(Named.of("POST /mcp/test, Host: " + r[0] + " [valid token]", "POST"), "/mcp/test", r[0], TOKEN, r[2]));
		}
		c.add(Arguments.of(Named.of("GET metadata, Host: evil.example", "GET"), metadata, "evil.example", null, H));
		c.add(Arguments.of(Named.of("OPTIONS preflight, Host: evil.example", "OPTIONS"), "/mcp/test", "evil.example", null, H));
		return c.stream();
	}

	// --- paths: raw request targets, each without a token and with a valid token for route test -----------

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void paths(String method, String target, String token, String expected) {
		probe(method, target, INIT, (token != null) ? List.of(auth(token)) : List.of(), token, expected);
	}

	static Stream<Arguments> paths() {
		String NR = "404:no_route", M = "401:token_missing";
		String[][] rows = { { "POST /mcp/test", M, "200@A/up/a" }, { "POST /mcp/test/", M, "200@A/up/a/" },
				{ "POST /mcp/test/sub/x?q=../../other", M, "200@A/up/a/sub/x" }, { "POST " + origin + "/mcp/test", M, "200@A/up/a" },
				{ "POST /mcp/test/%EF%BC%8E%EF%BC%8E/other", M, "200@A/up/a/%EF%BC%8E%EF%BC%8E/other" },
				{ "POST /mcp/test/" + "a".repeat(4000), M, "200@A/up/a/" + "a".repeat(4000) },
				{ "POST /mcp/other", M, "401:audience_mismatch" }, { "POST /mcp/other/sub", M, "401:audience_mismatch" },
				{ "POST /MCP/test", NR, NR }, { "POST /mcp/TEST", NR, NR }, { "POST /mcp/testX", NR, NR }, { "POST /mcp/test.json", NR, NR },
				{ "POST /%6dcp/test", NR, NR }, { "POST /mcp/test%20", NR, NR }, { "GET /actuator/health", NR, NR }, { "GET /actuator/env", NR, NR },
				{ "GET /actuator/prometheus", NR, NR },
				// Spring Security's strict firewall (JSON 400 from the error page, no reason) or Tomcat's parser
				{ "POST /mcp/test/../other", "400", "400" }, { "POST /mcp/test/..", "400", "400" }, { "POST /mcp/test/%2e%2e/other", "400", "400" },
				{ "POST /mcp/test/%2E%2E/other", "400", "400" }, { "POST /mcp/test/%252e%252e/other", "400", "400" },
				{ "POST /mcp/test//other", "400", "400" }, { "POST //mcp/test", "400", "400" }, { "POST /mcp/test;jsessionid=x", "400", "400" },
				{ "POST /mcp/test/;x=1/../../other", "400", "400" }, { "POST /mcp/other/..;/test", "400", "400" }, { "POST /mcp/test%2fx", "400", "400" },
				{ "POST /mcp%2Ftest", "400", "400" }, { "POST /mcp/test/..\\other", "400", "400" }, { "POST /mcp/test/%5c..%5cother", "400", "400" },
				{ "GET /.well-known/oauth-protected-resource/../mcp/test", "400", "400" }, { "POST /mcp/test/%00", "400", "400" },
				{ "POST /mcp/test/%0d%0aX-Injected:%201", "400", "400" }, { "POST /./mcp/test", "400", "400" }, { "POST /mcp/./test", "400", "400" },
				{ "POST /mcp/other/../test", "400", "400" }, { "POST http://evil.example/mcp/test", "400", "400" },
				{ "PROPFIND /mcp/test", "400", "400" }, { "TRACE /mcp/test", "405", "405" }, { "POST /mcp/test/" + "a".repeat(20_000), "400", "400" } };
		List<Arguments> c = new ArrayList<>();
		for (String[] r : rows) {
			String method = r[0].substring(0, r[0].indexOf(' ')), target = r[0].substring(method.length() + 1);
			String label = (r[0].length() > 70) ? r[0].substring(0, 40) + "...(" + target.length() + " chars)" : r[0];
			c.add(Arguments.of(Named.of(label + " [no token]", method), target, null, r[1]));
			c.add(Arguments.of(Named.of(label + " [token for test]", method), target, TOKEN, r[2]));
		}
		String b = tokenFor(resourceB);
		c.add(Arguments.of(Named.of("POST /mcp/test [token for other]", "POST"), "/mcp/test", b, "401:audience_mismatch"));
		c.add(Arguments.of(Named.of("POST /mcp/other [token for other] (control)", "POST"), "/mcp/other", b, "200@B/up/b"));
		c.add(Arguments.of(Named.of("POST /mcp/test/../other [token for other]", "POST"), "/mcp/test/../other", b, "400"));
		c.add(Arguments.of(Named.of("POST /mcp/other/..;/test [token for other]", "POST"), "/mcp/other/..;/test", b, "400"));
		return c.stream();
	}

	// --- regressions: once accepted or answered by Spring Security itself ------------------------------

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void nonCanonicalSignatureEncodings(Tx tx, String expected) {
		transport(tx, expected);
	}

	static Stream<Arguments> nonCanonicalSignatureEncodings() {
		String signed = TOKEN.substring(0, TOKEN.lastIndexOf('.') + 1), sig = TOKEN.substring(TOKEN.lastIndexOf('.') + 1);
		return Stream.of(tx("signature with base64 padding (==)", "401:malformed_token", "/mcp/test", auth(TOKEN + "==")),
				tx("signature in standard base64 (+/)", "401:malformed_token", "/mcp/test", auth(signed + sig.replace('-', '+').replace('_', '/'))),
				tx("signature with a ~ inserted", "401:malformed_token", "/mcp/test", auth(signed + sig.substring(0, 100) + "~" + sig.substring(100))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void dpopScheme(Tx tx, String expected) {
		transport(tx, expected);
	}

	static Stream<Arguments> dpopScheme() {
		String proof = jws(ecSigner, "ES256", json(Map.of("typ", "dpop+jwt", "alg", "ES256", "jwk", attackerEc.toPublicJWK().toJSONObject())),
				json(Map.of("jti", "p1", "htm", "POST", "htu", resourceA, "iat", Instant.now().getEpochSecond(), "ath",
						sha256(TOKEN))));
		String forged = TOKEN.substring(0, TOKEN.length() - 5) + "AAAAA";
		return Stream.of(tx("DPoP scheme, valid token, no proof", "401:token_missing", "/mcp/test", "Authorization: DPoP " + TOKEN),
				tx("DPoP scheme, valid token and a proof", "401:token_missing", "/mcp/test", "Authorization: DPoP " + TOKEN, "DPoP: " + proof),
				tx("DPoP scheme, garbage token", "401:token_missing", "/mcp/test", "Authorization: DPoP a,b"),
				tx("DPoP scheme, forged signature and a proof", "401:token_missing", "/mcp/test", "Authorization: DPoP " + forged, "DPoP: " + proof));
	}

	// --- the one assertion every case goes through ------------------------------------------------------

	/** @param expected {@code status[:reason][@A|B upstream path]}; no {@code @}: no backend may see anything */
	void probe(String method, String target, String body, List<String> headers, String token, String expected) {
		int beforeA = backendA.hits().size(), beforeB = backendB.hits().size();
		RawExchange r = RawExchange.send(port, method, target, body, headers.toArray(String[]::new));
		verify(r, beforeA, beforeB, method, target, token, expected);
	}

	void verify(RawExchange r, int beforeA, int beforeB, String method, String target, String token, String expected) {
		String[] outcome = expected.split("@", 2), statusReason = outcome[0].split(":", 2);
		int status = Integer.parseInt(statusReason[0]);
		String reason = (statusReason.length > 1) ? statusReason[1] : null, upstream = (outcome.length > 1) ? outcome[1] : null;
		assertThat(r.status()).as("status of %s %s\n%s", method, target, r.raw()).isEqualTo(status);
		assertThat(r.reason()).as("reason of %s %s\n%s", method, target, r.raw()).isEqualTo(reason);
		String route = target.contains("/mcp/other") ? "/mcp/other" : "/mcp/test";
		String metadata = "resource_metadata=\"" + origin + "/.well-known/oauth-protected-resource" + route + "\"";
		String challenge = r.header("www-authenticate");
		if (status == 401 && "token_missing".equals(reason)) {
			assertThat(challenge).isEqualTo("Bearer " + metadata + ", scope=\"mcp:read" + (route.equals("/mcp/test") ? " mcp:write\"" : "\""));
		}
		else if (status == 401) {
			assertThat(challenge).startsWith("Bearer error=\"invalid_token\"").contains(metadata);
		}
		else if (status == 400 && reason != null) {
			assertThat(challenge).startsWith("Bearer error=\"invalid_request\"");
		}
		else {
			assertThat(challenge).as("challenge").isNull();
		}
		if (token != null) {
			assertThat(r.raw()).as("token echoed").doesNotContain(token);
			String signature = token.substring(token.lastIndexOf('.') + 1);
			for (int i = 0; i + 20 <= signature.length(); i++) {
				assertThat(r.raw()).as("signature piece echoed").doesNotContain(signature.substring(i, i + 20));
			}
		}
		List<RecordingBackend.Hit> hitsA = List.copyOf(backendA.hits().subList(beforeA, backendA.hits().size()));
		List<RecordingBackend.Hit> hitsB = List.copyOf(backendB.hits().subList(beforeB, backendB.hits().size()));
		boolean toA = upstream != null && upstream.startsWith("A"), toB = upstream != null && upstream.startsWith("B");
		assertThat(hitsA).as("requests reaching backend A").hasSize(toA ? 1 : 0);
		assertThat(hitsB).as("requests reaching backend B").hasSize(toB ? 1 : 0);
		if (upstream != null) {
			RecordingBackend.Hit hit = toA ? hitsA.get(0) : hitsB.get(0);
			assertThat(hit.method()).isEqualTo(method);
			assertThat(hit.rawPath()).isEqualTo(upstream.substring(1));
			assertThat(hit.headers().get("host")).containsExactly((toA ? backendA : backendB).authority());
			assertThat(hit.headers().keySet()).noneMatch((name) -> name.startsWith("x-forwarded") || name.indexOf('_') >= 0
					|| List.of("forwarded", "x-real-ip", "authorization", "proxy-authorization", "cookie").contains(name));
		}
	}

	// --- building blocks -------------------------------------------------------------------------------------

	/** @param reason the {@code reason} of a 401, or a whole expected outcome ({@code 400}) */
	static Arguments tc(String name, String reason, String token) {
		return Arguments.of(Named.of(name, token), Character.isDigit(reason.charAt(0)) ? reason : "401:" + reason);
	}

	static Arguments tx(String name, String expected, String target, String... headers) {
		return Arguments.of(Named.of(name, new Tx(target, INIT, List.of(headers))), expected);
	}

	static String auth(String token) {
		return "Authorization: Bearer " + token;
	}

	static Map<String, Object> header(Object... overrides) {
		return ForgedTokens.header(idp.key().getKeyID(), overrides);
	}

	static Map<String, Object> claims(Object... overrides) {
		return ForgedTokens.claims(idp.issuer(), resourceA, overrides);
	}

	static String tokenFor(String audience) {
		return idpSigned(header(), claims("aud", audience));
	}

	/** Signed RS256 by the IdP's own key; each part a map or the exact JSON text. */
	static String idpSigned(Object header, Object claims) {
		return jws(idpSigner, "RS256", header, claims);
	}

	static String attackerSigned(Map<String, Object> header) {
		return jws(unchecked(() -> new RSASSASigner(attackerRsa)), "RS256", header, claims());
	}

}
