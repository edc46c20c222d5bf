package dev.gatehouse.token;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.TokenRejectedException;

/**
 * Verifies a JWT access token (RFC 9068, OAuth 2.1 §5.2) against the issuers a route trusts, one
 * explicit step per failure reason: parse, type, issuer (chosen by {@code iss}), algorithm, key,
 * signature, lifetime. Route-specific checks (audience, client, scopes, claims) come after, in
 * {@code RoutePolicy}.
 */
public final class AccessTokenVerifier {

	private static final Set<String> ACCEPTED_TYPES = Set.of("jwt", "at+jwt", "application/at+jwt");

	private static final List<String> NUMERIC_DATES = List.of("exp", "nbf", "iat");

	/** 9999-12-31T23:59:59Z: later is no date a real token carries. */
	private static final double MAX_NUMERIC_DATE = 253_402_300_799d;

	private final JWSVerifierFactory verifierFactory = new DefaultJWSVerifierFactory();

	/** Verified tokens kept for reuse (10,000 × ~2 KB: ~20 MB at most). */
	static final int CACHE_ENTRIES = 10_000;

	private final Clock clock;

	private final VerifiedTokenCache cache;

	public AccessTokenVerifier(Clock clock) {
		this(clock, CACHE_ENTRIES);
	}

	AccessTokenVerifier(Clock clock, int cacheEntries) {
		this.clock = clock;
		this.cache = new VerifiedTokenCache(cacheEntries);
	}

	/**
	 * @param token the compact token from the {@code Authorization} header
	 * @param issuers the route's trusted issuers
	 * @return the verified token
	 * @throws TokenRejectedException with the first failing check's reason
	 */
	public VerifiedToken verify(String token, List<TrustedIssuer> issuers) {
		VerifiedTokenCache.Entry cached = this.cache.get(token);
		if (cached != null && issuers.contains(cached.issuer())) {
			if (cached.issuer().selectKeys(cached.header()).contains(cached.key())) {
				checkLifetime(cached.token().claims(), cached.issuer());
				return cached.token();
			}
			// the key that verified it is gone (rotated out): verify from scratch
			this.cache.remove(token);
		}
		SignedJWT jwt = parse(token);
		checkType(jwt.getHeader().getType());
		JWTClaimsSet claims = claims(jwt);
		TrustedIssuer issuer = selectIssuer(claims, issuers);
		if (!issuer.algorithms().contains(jwt.getHeader().getAlgorithm())) {
			throw new TokenRejectedException(Reason.ALGORITHM_NOT_ALLOWED);
		}
		java.security.Key key = checkSignature(jwt, issuer.selectKeys(jwt.getHeader()));
		checkNumericDates(jwt);
		checkLifetime(claims, issuer);
		VerifiedToken verified = new VerifiedToken(issuer.name(), stringClaim(claims, "sub"),
				firstString(claims, issuer.clientIdClaims()), scopes(claims, issuer.scopeClaims()), audiences(claims), claims);
		this.cache.put(token, new VerifiedTokenCache.Entry(verified, issuer, jwt.getHeader(), key), this.clock.millis());
		return verified;
	}

	private static SignedJWT parse(String token) {
		// one token, one string: no padding, no other alphabet (Nimbus decodes those leniently)
		if (!isCompact(token)) {
			throw new TokenRejectedException(Reason.MALFORMED_TOKEN);
		}
		JWT jwt;
		try {
			jwt = JWTParser.parse(token);
		}
		catch (ParseException | RuntimeException ex) {
			throw new TokenRejectedException(Reason.MALFORMED_TOKEN);
		}
		if (jwt instanceof SignedJWT signed) {
			// and no unused low bits set in the last signature character: the signature re-encodes to itself
			String signature = token.substring(token.lastIndexOf('.') + 1);
			if (!Base64URL.encode(signed.getSignature().decode()).toString().equals(signature)) {
				throw new TokenRejectedException(Reason.MALFORMED_TOKEN);
			}
			return signed;
		}
		// PlainJWT (alg none) or EncryptedJWT: never decrypted, never accepted
		throw new TokenRejectedException(Reason.ALGORITHM_NOT_ALLOWED);
	}

	/**
	 * RFC 7515 compact serialization, strictly: three (JWS) or five (JWE) base64url parts without
	 * padding, the first non-empty. A loop rather than a regular expression: it runs on every request.
	 */
	static boolean isCompact(String token) {
		int dots = 0;
		int partLength = 0;
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			if (c == '.') {
				if (dots == 0 && partLength == 0) {
					return false;
				}
				dots++;
				partLength = 0;
			}
			else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
				partLength++;
			}
			else {
				return false;
			}
		}
		return dots == 2 || dots == 4;
	}

	private static void checkType(JOSEObjectType type) {
		if (type != null && !ACCEPTED_TYPES.contains(type.getType().toLowerCase(Locale.ROOT))) {
			throw new TokenRejectedException(Reason.TOKEN_TYPE_NOT_ALLOWED);
		}
	}

	private static JWTClaimsSet claims(SignedJWT jwt) {
		try {
			return jwt.getJWTClaimsSet();
		}
		catch (ParseException | RuntimeException ex) {
			throw new TokenRejectedException(Reason.MALFORMED_TOKEN);
		}
	}

	private static TrustedIssuer selectIssuer(JWTClaimsSet claims, List<TrustedIssuer> issuers) {
		String iss = stringClaim(claims, "iss");
		boolean unresolved = false;
		for (TrustedIssuer issuer : issuers) {
			String id = issuer.issuerId();
			if (id == null) {
				unresolved = true;
			}
			else if (id.equals(iss)) {
				return issuer;
			}
		}
		// an issuer whose discovery has not completed yet might be the one: a server fault, not the client's
		throw new TokenRejectedException(unresolved ? Reason.KEYS_UNAVAILABLE : Reason.ISSUER_NOT_ALLOWED);
	}

	/** @return the key that verified the signature */
	private java.security.Key checkSignature(SignedJWT jwt, List<java.security.Key> keys) {
		if (keys.isEmpty()) {
			throw new TokenRejectedException(Reason.UNKNOWN_KEY);
		}
		JWSHeader header = jwt.getHeader();
		for (java.security.Key key : keys) {
			try {
				if (jwt.verify(this.verifierFactory.createJWSVerifier(header, key))) {
					return key;
				}
			}
			catch (JOSEException | RuntimeException ex) {
				// a key that cannot verify this algorithm: try the next one
			}
		}
		throw new TokenRejectedException(Reason.INVALID_SIGNATURE);
	}

	/**
	 * RFC 7519 NumericDates must be seconds in a sane range: Nimbus multiplies them by 1000 without an
	 * overflow check, so a huge {@code nbf} or a hugely negative {@code exp} would wrap around into a
	 * date that passes the lifetime checks. Checked on the raw JSON numbers.
	 */
	private static void checkNumericDates(SignedJWT jwt) {
		Map<String, Object> raw = jwt.getPayload().toJSONObject();
		for (String name : NUMERIC_DATES) {
			if (raw.get(name) instanceof Number number) {
				double seconds = number.doubleValue();
				if (!(seconds >= 0 && seconds <= MAX_NUMERIC_DATE)) {
					throw new TokenRejectedException(Reason.MALFORMED_TOKEN);
				}
			}
		}
	}

	private void checkLifetime(JWTClaimsSet claims, TrustedIssuer issuer) {
		Instant now = this.clock.instant();
		Instant latestPast = now.minus(issuer.clockSkew());
		Instant earliestFuture = now.plus(issuer.clockSkew());
		Instant exp = dateClaim(claims, "exp");
		if (exp == null) {
			throw new TokenRejectedException(Reason.EXPIRY_MISSING);
		}
		if (!exp.isAfter(latestPast)) {
			throw new TokenRejectedException(Reason.TOKEN_EXPIRED);
		}
		Instant nbf = dateClaim(claims, "nbf");
		Instant iat = dateClaim(claims, "iat");
		if ((nbf != null && nbf.isAfter(earliestFuture)) || (iat != null && iat.isAfter(earliestFuture))) {
			throw new TokenRejectedException(Reason.TOKEN_NOT_YET_VALID);
		}
	}

	private static Instant dateClaim(JWTClaimsSet claims, String name) {
		Object value = claims.getClaim(name);
		if (value == null) {
			return null;
		}
		// JWTClaimsSet turns numeric exp/nbf/iat into Date; anything else (a string, an array) is malformed
		if (value instanceof Date date) {
			return date.toInstant();
		}
		throw new TokenRejectedException(Reason.MALFORMED_TOKEN);
	}

	private static String stringClaim(JWTClaimsSet claims, String name) {
		return (claims.getClaim(name) instanceof String value) ? value : null;
	}

	private static String firstString(JWTClaimsSet claims, List<String> names) {
		for (String name : names) {
			if (claims.getClaim(name) != null) {
				return stringClaim(claims, name);
			}
		}
		return null;
	}

	private static Set<String> scopes(JWTClaimsSet claims, List<String> names) {
		for (String name : names) {
			Object value = claims.getClaim(name);
			if (value instanceof String string) {
				Set<String> scopes = new LinkedHashSet<>();
				for (String scope : string.split(" ")) {
					if (!scope.isEmpty()) {
						scopes.add(scope);
					}
				}
				return Set.copyOf(scopes);
			}
			if (value instanceof List<?> list) {
				return Set.copyOf(list.stream().filter(String.class::isInstance).map(String.class::cast).toList());
			}
			if (value != null) {
				return Set.of();
			}
		}
		return Set.of();
	}

	private static List<String> audiences(JWTClaimsSet claims) {
		Object aud = claims.getClaim("aud");
		if (aud instanceof String single) {
			return List.of(single);
		}
		if (aud instanceof List<?> list) {
			return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
		}
		return List.of();
	}

}
