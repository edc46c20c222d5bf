package dev.gatehouse.observability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.gatehouse.refusal.Reason;

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

	/** Counters by name and tag values: looked up per request, built once. */
	private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

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
		return counter(AUTH_DECISIONS, "Authorization decisions per route, by outcome and reason", "route", route,
				"outcome", outcome, "reason", reason);
	}

	public void upstreamResponse(String route, int status) {
		counter(UPSTREAM_REQUESTS, "Requests proxied to the route's upstream, by response status (502/503/504 when it failed)",
				"route", route, "status", String.valueOf(status))
			.increment();
	}

	public void jwksFetch(String issuer, String result) {
		counter(JWKS_FETCHES, "JWK Set fetches per issuer, by result", "issuer", issuer, "result", result).increment();
	}

	private Counter counter(String name, String description, String... tags) {
		List<String> key = new java.util.ArrayList<>(tags.length + 1);
		key.add(name);
		key.addAll(List.of(tags));
		return this.counters.computeIfAbsent(key,
				(k) -> Counter.builder(name).description(description).tags(tags).register(this.registry));
	}

	/** Counts requests served from cached keys while the issuer's JWKS URL is down. */
	public void jwksStaleServed(String issuer) {
		counter(JWKS_STALE, "Key look-ups answered from cached keys while the JWKS URL was unreachable", "issuer", issuer)
			.increment();
	}

	/** The live count of open {@code text/event-stream} responses of a route. */
	public AtomicInteger activeStreams(String route) {
		return this.activeStreams.computeIfAbsent(route,
				(id) -> this.registry.gauge(SSE_ACTIVE, io.micrometer.core.instrument.Tags.of("route", id),
						new AtomicInteger()));
	}

}
