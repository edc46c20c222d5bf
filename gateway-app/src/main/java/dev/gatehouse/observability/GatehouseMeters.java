package dev.gatehouse.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.gatehouse.auth.Reason;

/**
 * Every Gatehouse meter, named in one place. Tags are bounded: route and issuer ids from
 * configuration, reasons from a closed enum, status codes; never a user, client or token value.
 */
public final class GatehouseMeters {

	public static final String AUTH_DECISIONS = "gatehouse.auth.decisions";

	public static final String UPSTREAM_REQUESTS = "gatehouse.upstream.requests";

	public static final String SSE_ACTIVE = "gatehouse.sse.active";

	public static final String JWKS_FETCHES = "gatehouse.jwks.fetches";

	public static final String JWKS_STALE = "gatehouse.jwks.stale";

	private final MeterRegistry registry;

	private final Map<String, AtomicInteger> activeStreams = new ConcurrentHashMap<>();

	public GatehouseMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	public void allowed(String route) {
		decision(route, "allowed", "none").increment();
	}

	public void rejected(String route, Reason reason) {
		decision(route, "rejected", reason.code()).increment();
	}

	private Counter decision(String route, String outcome, String reason) {
		return Counter.builder(AUTH_DECISIONS)
			.description("Authorization decisions per route, by outcome and reason")
			.tags("route", route, "outcome", outcome, "reason", reason)
			.register(this.registry);
	}

	public void upstreamResponse(String route, int status) {
		Counter.builder(UPSTREAM_REQUESTS)
			.description("Requests proxied to the route's upstream, by response status (502/503/504 when it failed)")
			.tags("route", route, "status", String.valueOf(status))
			.register(this.registry)
			.increment();
	}

	public void jwksFetch(String issuer, String result) {
		Counter.builder(JWKS_FETCHES)
			.description("JWK Set fetches per issuer, by result")
			.tags("issuer", issuer, "result", result)
			.register(this.registry)
			.increment();
	}

	/** Counts requests served from cached keys while the issuer's JWKS URL is down. */
	public void jwksStaleServed(String issuer) {
		Counter.builder(JWKS_STALE)
			.description("Key look-ups answered from cached keys while the JWKS URL was unreachable")
			.tags("issuer", issuer)
			.register(this.registry)
			.increment();
	}

	/** The live count of open {@code text/event-stream} responses of a route. */
	public AtomicInteger activeStreams(String route) {
		return this.activeStreams.computeIfAbsent(route,
				(id) -> this.registry.gauge(SSE_ACTIVE, io.micrometer.core.instrument.Tags.of("route", id),
						new AtomicInteger()));
	}

}
