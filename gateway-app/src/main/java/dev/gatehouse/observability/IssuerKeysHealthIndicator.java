package dev.gatehouse.observability;

import java.util.Collection;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.gatehouse.token.TrustedIssuer;

/**
 * Readiness: up once every issuer's metadata and keys are loaded. Not part of liveness: an IdP
 * outage must never get Gatehouse restarted.
 */
public final class IssuerKeysHealthIndicator implements HealthIndicator {

	private final Collection<TrustedIssuer> issuers;

	public IssuerKeysHealthIndicator(Collection<TrustedIssuer> issuers) {
		this.issuers = issuers;
	}

	@Override
	public Health health() {
		Health.Builder health = this.issuers.stream().allMatch(TrustedIssuer::ready) ? Health.up() : Health.outOfService();
		this.issuers.forEach((issuer) -> health.withDetail(issuer.name(), issuer.ready() ? "keys loaded" : "waiting for keys"));
		return health.build();
	}

}
