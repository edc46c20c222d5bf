package dev.gatehouse.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/**
 * An identity provider on WireMock: OIDC discovery and a JWKS of real RSA keys, with the faults
 * tests need (rotation, outage, slowness). Issuer: {@code http://127.0.0.1:<port>/oauth2/default}.
 */
public final class TestIdp implements AutoCloseable {

	public static final String DISCOVERY_PATH = "/oauth2/default/.well-known/openid-configuration";

	public static final String JWKS_PATH = "/oauth2/default/v1/keys";

	private final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private RSAKey key = newKey();

	public TestIdp() {
		this.server.start();
		serveDiscovery();
		publish(List.of(this.key));
	}

	public static RSAKey newKey() {
		return newKey(2048);
	}

	public static RSAKey newKey(int bits) {
		try {
			return new RSAKeyGenerator(bits, bits < 2048).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String issuer() {
		return this.server.baseUrl() + "/oauth2/default";
	}

	public String discoveryUrl() {
		return this.server.baseUrl() + DISCOVERY_PATH;
	}

	public RSAKey key() {
		return this.key;
	}

	public TestTokens token() {
		return TestTokens.valid(this.key, issuer());
	}

	public void serveDiscovery() {
		this.server.stubFor(get(DISCOVERY_PATH).willReturn(json("""
				{"issuer":"%s","jwks_uri":"%s","authorization_endpoint":"%s/v1/authorize",
				 "token_endpoint":"%s/v1/token","response_types_supported":["code"]}"""
			.formatted(issuer(), this.server.baseUrl() + JWKS_PATH, issuer(), issuer()))));
	}

	/** Publishes exactly these keys (public parts) at the JWKS URL. */
	public void publish(List<? extends JWK> keys) {
		publish(keys, 0);
	}

	public void publish(List<? extends JWK> keys, int delayMillis) {
		String jwks = new JWKSet(keys.stream().map(JWK::toPublicJWK).toList()).toString();
		this.server.stubFor(get(JWKS_PATH).willReturn(json(jwks).withFixedDelay(delayMillis)));
	}

	/** Rotates: a new signing key replaces the current one in the JWKS. */
	public RSAKey rotate() {
		this.key = newKey();
		publish(List.of(this.key));
		return this.key;
	}

	/** Signs {@link #token()} with this key from now on (publishing is separate: {@link #publish(List)}). */
	public void use(RSAKey key) {
		this.key = key;
	}

	/** The JWKS and discovery URLs answer 503 from now on. */
	public void outage() {
		this.server.stubFor(get(JWKS_PATH).willReturn(aResponse().withStatus(503)));
		this.server.stubFor(get(DISCOVERY_PATH).willReturn(aResponse().withStatus(503)));
	}

	public int jwksFetches() {
		return this.server.findAll(getRequestedFor(urlPathEqualTo(JWKS_PATH))).size();
	}

	public int discoveryFetches() {
		return this.server.findAll(getRequestedFor(urlPathEqualTo(DISCOVERY_PATH))).size();
	}

	private static ResponseDefinitionBuilder json(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
	}

	@Override
	public void close() {
		this.server.stop();
	}

}
