package dev.gatehouse.token;

import java.io.IOException;
import java.util.function.Consumer;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetParseException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;

import dev.gatehouse.observability.GatehouseMeters;

/**
 * Counts every real JWK Set fetch by result (Nimbus' caching events do not report failed fetches),
 * wrapped directly around the URL source so cache hits are not counted, and hands each successfully
 * fetched set to a listener (the issuer's last-known keys).
 */
final class MeteredJwkSetSource implements JWKSetSource<SecurityContext> {

	private final JWKSetSource<SecurityContext> delegate;

	private final String issuer;

	private final GatehouseMeters meters;

	private final Consumer<JWKSet> fetched;

	MeteredJwkSetSource(JWKSetSource<SecurityContext> delegate, String issuer, GatehouseMeters meters,
			Consumer<JWKSet> fetched) {
		this.delegate = delegate;
		this.issuer = issuer;
		this.meters = meters;
		this.fetched = fetched;
		meters.issuerKeySource(issuer);
	}

	@Override
	public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
			throws KeySourceException {
		String result = "failure";
		try {
			JWKSet set = this.delegate.getJWKSet(evaluator, currentTime, context);
			result = "success";
			this.fetched.accept(set);
			return set;
		}
		catch (JWKSetParseException ex) {
			result = "invalid";
			throw ex;
		}
		finally {
			this.meters.jwksFetch(this.issuer, result);
		}
	}

	@Override
	public void close() throws IOException {
		this.delegate.close();
	}

}
