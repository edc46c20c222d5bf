package dev.gatehouse.token;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.json.JsonMapper;

import dev.gatehouse.config.IssuerProperties;
import dev.gatehouse.observability.GatehouseMeters;

/**
 * The configured issuers, compiled into {@link TrustedIssuer}s and kept by name. A configuration
 * reload {@link #reconcile reconciles} them: unchanged issuers carry over (warm key caches and all),
 * the others are new and must {@link #resolve resolve} before the new configuration is used. Closed
 * when no configuration uses them any more, or when the application context is destroyed, after the
 * web server has stopped, so no request ever meets closed keys.
 */
public final class TrustedIssuers implements AutoCloseable {

	private final Map<String, TrustedIssuer> byName;

	private final GatehouseMeters meters;

	private final IssuerMetadataClient metadataClient;

	private TrustedIssuers(Map<String, TrustedIssuer> byName, GatehouseMeters meters, IssuerMetadataClient metadataClient) {
		this.byName = Collections.unmodifiableMap(byName);
		this.meters = meters;
		this.metadataClient = metadataClient;
	}

	public static TrustedIssuers compile(Map<String, IssuerProperties> issuers, GatehouseMeters meters, JsonMapper json) {
		return new TrustedIssuers(Map.of(), meters, new IssuerMetadataClient(json)).reconcile(issuers);
	}

	/**
	 * The issuers of a new configuration: an issuer with the same name and equal properties is this
	 * set's very instance; any other is new, not yet resolved.
	 */
	public TrustedIssuers reconcile(Map<String, IssuerProperties> issuers) {
		Map<String, TrustedIssuer> compiled = new LinkedHashMap<>();
		issuers.forEach((name, properties) -> {
			TrustedIssuer current = this.byName.get(name);
			compiled.put(name, (current != null && current.properties().equals(properties)) ? current
					: new TrustedIssuer(name, properties, this.meters, this.metadataClient));
		});
		return new TrustedIssuers(compiled, this.meters, this.metadataClient);
	}

	/** @return the issuers of this set that {@code other} does not hold (as the same instance) */
	public List<TrustedIssuer> notIn(TrustedIssuers other) {
		return this.byName.values().stream().filter((issuer) -> !other.all().contains(issuer)).toList();
	}

	/**
	 * Resolves the issuers (discovery and a first JWKS fetch), all at once, within {@code timeout}.
	 * @return what went wrong, by issuer name; empty when every issuer is ready
	 */
	public static Map<String, String> resolve(Collection<TrustedIssuer> issuers, Duration timeout)
			throws InterruptedException {
		Map<String, String> problems = Collections.synchronizedMap(new LinkedHashMap<>());
		Map<TrustedIssuer, Thread> threads = new LinkedHashMap<>();
		for (TrustedIssuer issuer : issuers) {
			threads.put(issuer, Thread.ofVirtual().name("gatehouse-reload-issuer-" + issuer.name()).start(() -> {
				try {
					issuer.resolve();
				}
				catch (InterruptedException ex) {
					problems.put(issuer.name(), "not resolved within " + timeout.toSeconds() + "s");
				}
				catch (IOException | RuntimeException | com.nimbusds.jose.KeySourceException ex) {
					problems.put(issuer.name(), IssuerKeyLoader.describe(ex));
				}
			}));
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Map.Entry<TrustedIssuer, Thread> entry : threads.entrySet()) {
			long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
			if (!entry.getValue().join(Duration.ofMillis(left))) {
				// a fetch that finishes later finds the issuer closed and closes its keys itself
				entry.getValue().interrupt();
				problems.putIfAbsent(entry.getKey().name(), "not resolved within " + timeout.toSeconds() + "s");
			}
		}
		synchronized (problems) {
			return Collections.unmodifiableMap(new LinkedHashMap<>(problems));
		}
	}

	public TrustedIssuer get(String name) {
		return this.byName.get(name);
	}

	public Collection<TrustedIssuer> all() {
		return this.byName.values();
	}

	@Override
	public void close() {
		close(this.byName.values());
	}

	public static void close(Collection<TrustedIssuer> issuers) {
		for (TrustedIssuer issuer : issuers) {
			try {
				issuer.close();
			}
			catch (IOException ex) {
				// nothing more to do
			}
		}
	}

}
