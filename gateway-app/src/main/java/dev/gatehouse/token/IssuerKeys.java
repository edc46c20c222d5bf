package dev.gatehouse.token;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.SecretKey;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.config.IssuerProperties.JwksProperties;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.TokenRejectedException;

/**
 * An issuer's verification keys: a Nimbus {@link JWKSourceBuilder} source that caches keys,
 * refreshes them ahead of expiry, fetches at most twice per {@code min-refresh-interval} whatever
 * unknown {@code kid}s arrive, and keeps serving cached keys through an IdP outage for
 * {@code outage-tolerance}. RSA keys under 2048 bits are never used.
 */
final class IssuerKeys implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(IssuerKeys.class);

	static final int MIN_RSA_BITS = 2048;

	private static final int CONNECT_TIMEOUT_MS = 2_000;

	private static final int READ_TIMEOUT_MS = 5_000;

	private static final int SIZE_LIMIT_BYTES = 512 * 1024;

	private static final long MAX_REFRESH_MARGIN_MS = 60_000;

	private static final long STALE_WARNING_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

	private final java.util.concurrent.atomic.AtomicLong lastStaleWarning = new java.util.concurrent.atomic.AtomicLong(
			System.nanoTime() - STALE_WARNING_INTERVAL_NANOS - 1);

	private final JWKSource<SecurityContext> source;

	private static final int MAX_CONVERTED_KEYS = 256;

	private final Map<JWK, List<Key>> converted = new ConcurrentHashMap<>();

	private final Set<JWSAlgorithm> algorithms;

	/** How long after its fetch the last-known key set may still answer: cache lifetime plus outage tolerance. */
	private final long lastKnownLifetimeNanos;

	private volatile LastKnown lastKnown;

	IssuerKeys(String issuerName, URI jwksUri, Set<JWSAlgorithm> algorithms, JwksProperties jwks,
			GatehouseMeters meters) {
		var retriever = new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT_BYTES);
		URLBasedJWKSetSource<SecurityContext> url;
		try {
			url = new URLBasedJWKSetSource<>(jwksUri.toURL(), retriever);
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException("Invalid jwks_uri for issuer " + issuerName, ex);
		}
		// Refreshed in the background every cache-ttl; cached keys stay valid for a further margin, so a
		// slow or failing fetch never makes requests with a known kid wait. Past the margin, the outage
		// tolerance keeps serving the last keys.
		long refreshEvery = jwks.cacheTtl().toMillis();
		long margin = Math.min(refreshEvery, MAX_REFRESH_MARGIN_MS);
		long refreshTimeout = Math.min(READ_TIMEOUT_MS + CONNECT_TIMEOUT_MS, refreshEvery / 2);
		this.algorithms = algorithms;
		this.lastKnownLifetimeNanos = java.util.concurrent.TimeUnit.MILLISECONDS
			.toNanos(refreshEvery + margin + jwks.outageTolerance().toMillis());
		this.source = JWKSourceBuilder
			.create(new MeteredJwkSetSource(url, issuerName, meters, (set) -> this.lastKnown = new LastKnown(set, System.nanoTime())))
			.cache(refreshEvery + margin, refreshTimeout)
			.refreshAheadCache(margin, true)
			.rateLimited(jwks.minRefreshInterval().toMillis(),
					(event) -> logger.debug("JWKS refresh for issuer {} rate-limited", issuerName))
			.outageTolerant(jwks.outageTolerance().toMillis(), (event) -> {
				meters.jwksStaleServed(issuerName);
				long now = System.nanoTime();
				long last = this.lastStaleWarning.get();
				if (now - last > STALE_WARNING_INTERVAL_NANOS && this.lastStaleWarning.compareAndSet(last, now)) {
					long remaining = (event instanceof OutageTolerantJWKSetSource.OutageEvent<?> outage)
							? outage.getRemainingTime() : -1;
					logger.warn("JWKS of issuer {} unreachable; serving cached keys for at most {} ms more",
							issuerName, remaining);
				}
			})
			.build();
	}

	/** Fetches the key set once (start-up and readiness), failing if it cannot be had. */
	void load() throws KeySourceException {
		this.source.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
	}

	/**
	 * @return the usable keys for the header's {@code kid} and algorithm, possibly empty
	 * @throws TokenRejectedException {@link Reason#UNKNOWN_KEY} when a refresh for an unknown
	 * {@code kid} was rate-limited, {@link Reason#KEYS_UNAVAILABLE} when no keys can be had
	 */
	List<Key> select(JWSHeader header) {
		try {
			return select(header, this.source);
		}
		catch (RateLimitReachedException ex) {
			// Nimbus' rate limiter sits above its outage cache: a look-up that needs a refresh while the
			// limit is reached (an unknown-kid flood, or an expired cache during an IdP outage) fails
			// even for a known kid. Answer it from the last fetched keys, within the same lifetime the
			// cache and the outage tolerance would have given them; an unknown kid still finds nothing.
			return selectFromLastKnown(header);
		}
		catch (KeySourceException | RuntimeException ex) {
			// fail closed: whatever went wrong with the key source, no key means no access
			throw new TokenRejectedException(Reason.KEYS_UNAVAILABLE);
		}
	}

	private List<Key> selectFromLastKnown(JWSHeader header) {
		LastKnown known = this.lastKnown;
		if (known == null || System.nanoTime() - known.fetchedAt() > this.lastKnownLifetimeNanos) {
			return List.of();
		}
		try {
			return select(header, new ImmutableJWKSet<SecurityContext>(known.keys()));
		}
		catch (KeySourceException | RuntimeException ex) {
			return List.of();
		}
	}

	/**
	 * What Nimbus' {@code JWSVerificationKeySelector} selects (an allowed algorithm, the JWKs matching
	 * the header, their public or secret Java keys), with each JWK converted once rather than on every
	 * request: the conversion parses the key material, a measurable share of a request's CPU.
	 */
	private List<Key> select(JWSHeader header, JWKSource<SecurityContext> source) throws KeySourceException {
		if (!this.algorithms.contains(header.getAlgorithm())) {
			return List.of();
		}
		JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
		if (matcher == null) {
			return List.of();
		}
		List<JWK> matches = source.get(new JWKSelector(matcher), null);
		if (matches.size() == 1) {
			return javaKeys(matches.get(0));
		}
		List<Key> keys = new ArrayList<>();
		for (JWK jwk : matches) {
			keys.addAll(javaKeys(jwk));
		}
		return keys;
	}

	/** Keyed by the whole JWK (key material included): a rotated or changed key is converted anew. */
	private List<Key> javaKeys(JWK jwk) {
		List<Key> keys = this.converted.get(jwk);
		if (keys == null) {
			if (this.converted.size() >= MAX_CONVERTED_KEYS) {
				this.converted.clear();
			}
			keys = usable(KeyConverter.toJavaKeys(List.of(jwk)));
			this.converted.put(jwk, keys);
		}
		return keys;
	}

	/** Public and secret keys only (never a private key), and no RSA key under 2048 bits. */
	private static List<Key> usable(List<? extends Key> keys) {
		return keys.stream()
			.filter((key) -> key instanceof PublicKey || key instanceof SecretKey)
			.filter((key) -> !(key instanceof RSAKey rsa) || rsa.getModulus().bitLength() >= MIN_RSA_BITS)
			.map(Key.class::cast)
			.toList();
	}

	private record LastKnown(JWKSet keys, long fetchedAt) {
	}

	@Override
	public void close() throws IOException {
		if (this.source instanceof java.io.Closeable closeable) {
			closeable.close();
		}
	}

}
