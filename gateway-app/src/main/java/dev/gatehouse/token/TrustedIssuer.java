package dev.gatehouse.token;

import java.io.IOException;
import java.net.URI;
import java.security.Key;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;

import dev.gatehouse.config.IssuerProperties;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.TokenRejectedException;

/**
 * A configured authorization server, compiled: the exact issuer identifier its tokens carry, the
 * algorithms allowed, the claims it puts client id and scopes in, and its keys. Discovery and the
 * first key fetch happen in {@link #resolve()}, retried in the background by {@link IssuerKeyLoader};
 * until then its tokens are answered 503 and readiness is down.
 */
public final class TrustedIssuer implements AutoCloseable {

	private static final String OIDC_SUFFIX = "/.well-known/openid-configuration";

	private static final String RFC8414_PREFIX = "/.well-known/oauth-authorization-server";

	private final String name;

	private final IssuerProperties properties;

	private final Set<JWSAlgorithm> algorithms;

	private final GatehouseMeters meters;

	private final IssuerMetadataClient metadataClient;

	private volatile String resolvedIssuer;

	private volatile IssuerKeys keys;

	private boolean closed;

	TrustedIssuer(String name, IssuerProperties properties, GatehouseMeters meters, IssuerMetadataClient metadataClient) {
		this.name = name;
		this.properties = properties;
		this.algorithms = properties.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
		this.meters = meters;
		this.metadataClient = metadataClient;
	}

	public String name() {
		return this.name;
	}

	/** The exact {@code iss} of its tokens, or {@code null} while discovery has not completed. */
	public String issuerId() {
		String configured = (this.properties.issuer() != null) ? this.properties.issuer().toString() : null;
		return (configured != null) ? configured : this.resolvedIssuer;
	}

	/**
	 * The identifier published in {@code authorization_servers}: the issuer id, or before discovery
	 * the one its discovery URL implies (OIDC Discovery §4, RFC 8414 §3).
	 */
	public String advertisedIssuer() {
		String id = issuerId();
		return (id != null) ? id : impliedIssuer(this.properties.discoveryUrl());
	}

	public boolean ready() {
		return this.keys != null;
	}

	IssuerProperties properties() {
		return this.properties;
	}

	/** Closed issuers (dropped by a configuration reload) are not resolved again. */
	synchronized boolean closed() {
		return this.closed;
	}

	Set<JWSAlgorithm> algorithms() {
		return this.algorithms;
	}

	Duration clockSkew() {
		return this.properties.clockSkew();
	}

	List<String> clientIdClaims() {
		return this.properties.clientIdClaims();
	}

	List<String> scopeClaims() {
		return this.properties.scopeClaims();
	}

	List<Key> selectKeys(JWSHeader header) {
		IssuerKeys current = this.keys;
		if (current == null) {
			throw new TokenRejectedException(Reason.KEYS_UNAVAILABLE);
		}
		return current.select(header);
	}

	/** Discovers the issuer (if configured by discovery URL) and loads its keys once. */
	void resolve() throws IOException, InterruptedException, KeySourceException {
		String issuer = issuerId();
		URI jwksUri = this.properties.jwksUri();
		if (this.properties.discoveryUrl() != null) {
			IssuerMetadataClient.Metadata metadata = this.metadataClient.fetch(this.properties.discoveryUrl());
			String expected = (issuer != null) ? issuer : impliedIssuer(this.properties.discoveryUrl());
			if (!metadata.issuer().equals(expected) && !(issuer == null && metadata.issuer().equals(expected + "/"))) {
				throw new IOException("discovered issuer does not equal the expected issuer " + expected);
			}
			issuer = metadata.issuer();
			jwksUri = metadata.jwksUri();
		}
		IssuerKeys loaded = new IssuerKeys(this.name, jwksUri, this.algorithms, this.properties.jwks(), this.meters);
		try {
			loaded.load();
		}
		catch (KeySourceException ex) {
			loaded.close();
			throw ex;
		}
		synchronized (this) {
			if (this.closed) {
				// dropped by a reload while its keys were being fetched: they would never be closed
				loaded.close();
				throw new IOException("issuer was removed from the configuration");
			}
			this.resolvedIssuer = issuer;
			this.keys = loaded;
		}
	}

	/**
	 * The issuer a discovery URL implies: OIDC puts the metadata at
	 * {@code <issuer>/.well-known/openid-configuration}, RFC 8414 at
	 * {@code <origin>/.well-known/oauth-authorization-server<issuer path>}; {@code null} otherwise.
	 */
	public static String impliedIssuer(URI discoveryUrl) {
		if (discoveryUrl == null) {
			return null;
		}
		String url = discoveryUrl.toString();
		String path = discoveryUrl.getRawPath();
		if (path != null && path.endsWith(OIDC_SUFFIX)) {
			return url.substring(0, url.length() - OIDC_SUFFIX.length());
		}
		if (path != null && path.startsWith(RFC8414_PREFIX)) {
			String origin = url.substring(0, url.indexOf(path));
			return origin + path.substring(RFC8414_PREFIX.length());
		}
		return null;
	}

	@Override
	public void close() throws IOException {
		IssuerKeys current;
		synchronized (this) {
			this.closed = true;
			current = this.keys;
		}
		if (current != null) {
			current.close();
		}
	}

}
