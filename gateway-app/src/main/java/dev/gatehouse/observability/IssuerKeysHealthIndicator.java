package dev.gatehouse.observability;

import java.util.Collection;
import java.util.function.Supplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.gatehouse.token.TrustedIssuer;

/**
 * Readiness: up once every issuer's metadata and keys are loaded. Not part of liveness: an IdP
 * outage must never get Gatehouse restarted.
 */
public final class IssuerKeysHealthIndicator implements HealthIndicator {

	private final Supplier<Collection<TrustedIssuer>> issuers;

	/** @param issuers the issuers of the active configuration */
	public IssuerKeysHealthIndicator(Supplier<Collection<TrustedIssuer>> issuers) {
		this.issuers = issuers;
	}

	@Override
	public Health health() {
		Collection<TrustedIssuer> issuers = this.issuers.get();
		Health.Builder health = issuers.stream().allMatch(TrustedIssuer::ready) ? Health.up() : Health.outOfService();
		issuers.forEach((issuer) -> health.withDetail(issuer.name(), issuer.ready() ? "keys loaded" : "waiting for keys"));
		return health.build();
	}

}
