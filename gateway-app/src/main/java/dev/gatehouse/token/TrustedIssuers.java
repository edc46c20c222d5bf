package dev.gatehouse.token;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import dev.gatehouse.config.IssuerProperties;
import dev.gatehouse.observability.GatehouseMeters;

/**
 * The configured issuers, compiled into {@link TrustedIssuer}s and kept by name. Closed when the
 * application context is destroyed, after the web server has stopped, so no request ever meets
 * closed keys.
 */
public final class TrustedIssuers implements AutoCloseable {

	private final Map<String, TrustedIssuer> byName;

	private TrustedIssuers(Map<String, TrustedIssuer> byName) {
		this.byName = byName;
	}

	public static TrustedIssuers compile(Map<String, IssuerProperties> issuers, GatehouseMeters meters, JsonMapper json) {
		IssuerMetadataClient metadataClient = new IssuerMetadataClient(json);
		Map<String, TrustedIssuer> compiled = new LinkedHashMap<>();
		issuers.forEach((name, properties) -> compiled.put(name, new TrustedIssuer(name, properties, meters, metadataClient)));
		return new TrustedIssuers(java.util.Collections.unmodifiableMap(compiled));
	}

	public TrustedIssuer get(String name) {
		return this.byName.get(name);
	}

	public Collection<TrustedIssuer> all() {
		return this.byName.values();
	}

	@Override
	public void close() {
		for (TrustedIssuer issuer : this.byName.values()) {
			try {
				issuer.close();
			}
			catch (java.io.IOException ex) {
				// shutting down: nothing more to do
			}
		}
	}

}
