package dev.gatehouse.token;

import java.util.List;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * An access token whose signature, issuer, type and lifetime have been verified.
 *
 * @param issuer the configured name of the issuer that signed it
 * @param subject {@code sub}, or {@code null}
 * @param clientId the value of the first present client-id claim, or {@code null}
 * @param scopes the granted scopes read from the first present scope claim
 * @param audiences {@code aud}, as a list
 * @param claims all claims, for claim rules; never logged or forwarded
 */
public record VerifiedToken(String issuer, String subject, String clientId, Set<String> scopes, List<String> audiences,
		JWTClaimsSet claims) {

	public Object claim(String name) {
		return this.claims.getClaim(name);
	}

}
