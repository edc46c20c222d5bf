package dev.gatehouse.support;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints real signed access tokens for tests: {@code TestTokens.valid(key, issuer).audience(..).sign()}.
 * Start from a valid token and change one thing per named failure case.
 */
public final class TestTokens {

	private final JWK key;

	private JWSAlgorithm algorithm;

	private String keyId;

	private JOSEObjectType type = new JOSEObjectType("at+jwt");

	private final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();

	private TestTokens(JWK key, String issuer, Instant now) {
		this.key = key;
		this.algorithm = (key instanceof ECKey) ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
		this.keyId = key.getKeyID();
		this.claims.issuer(issuer)
			.subject("alice")
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)))
			.jwtID(UUID.randomUUID().toString());
	}

	public static TestTokens valid(JWK key, String issuer) {
		return new TestTokens(key, issuer, Instant.now());
	}

	public static TestTokens valid(JWK key, String issuer, Instant now) {
		return new TestTokens(key, issuer, now);
	}

	public TestTokens audience(String... audiences) {
		this.claims.audience(List.of(audiences));
		return this;
	}

	public TestTokens scope(String scope) {
		return claim("scope", scope);
	}

	public TestTokens clientId(String clientId) {
		return claim("client_id", clientId);
	}

	public TestTokens claim(String name, Object value) {
		this.claims.claim(name, value);
		return this;
	}

	public TestTokens claims(Map<String, Object> values) {
		values.forEach(this.claims::claim);
		return this;
	}

	public TestTokens expiresAt(Instant exp) {
		this.claims.expirationTime((exp != null) ? Date.from(exp) : null);
		return this;
	}

	public TestTokens notBefore(Instant nbf) {
		this.claims.notBeforeTime((nbf != null) ? Date.from(nbf) : null);
		return this;
	}

	public TestTokens issuedAt(Instant iat) {
		this.claims.issueTime((iat != null) ? Date.from(iat) : null);
		return this;
	}

	public TestTokens type(String type) {
		this.type = (type != null) ? new JOSEObjectType(type) : null;
		return this;
	}

	public TestTokens keyId(String keyId) {
		this.keyId = keyId;
		return this;
	}

	public TestTokens algorithm(JWSAlgorithm algorithm) {
		this.algorithm = algorithm;
		return this;
	}

	public String sign() {
		try {
			JWSHeader header = new JWSHeader.Builder(this.algorithm).keyID(this.keyId).type(this.type).build();
			SignedJWT jwt = new SignedJWT(header, this.claims.build());
			jwt.sign((this.key instanceof ECKey ec) ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) this.key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
