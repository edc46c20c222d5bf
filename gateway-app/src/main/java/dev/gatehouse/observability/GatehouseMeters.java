package dev.gatehouse.observability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.gatehouse.refusal.Reason;

/**
 * Every Gatehouse meter, named in one place. Tags are bounded: route and issuer ids from
 * configuration, reasons from a closed enum, status codes; never a user, client or token value.
 */
public final class GatehouseMeters {

	public static final String AUTH_DECISIONS = "gatehouse.auth.decisions";

	public static final String CONFIG_RELOADS = "gatehouse.config.reloads";

	public static final String CONFIG_ACTIVE_SINCE = "gatehouse.config.active.since";

	public static final String UPSTREAM_REQUESTS = "gatehouse.upstream.requests";

	public static final String SSE_ACTIVE = "gatehouse.sse.active";

	public static final String JWKS_FETCHES = "gatehouse.jwks.fetches";

	public static final String JWKS_STALE = "gatehouse.jwks.stale";

	public static final String AUTH_DURATION = "gatehouse.auth.duration";

	public static final String UPSTREAM_DURATION = "gatehouse.upstream.duration";

	public static final String JWKS_AGE = "gatehouse.jwks.age";

	private final MeterRegistry registry;

	private final Map<String, AtomicInteger> activeStreams = new ConcurrentHashMap<>();

	/** Counters by name and tag values: looked up per request, built once. */
	private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

	private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

	/** Per issuer, when its JWK Set was last fetched successfully ({@link System#nanoTime()}). */
	private final Map<String, AtomicLong> lastJwksSuccess = new ConcurrentHashMap<>();

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

	/**
	 * Exports an issuer's fetch results and stale-key count at zero, once its key source exists, so
	 * that {@code increase()} in panels and alerts sees the first failure.
	 */
	public void issuerKeySource(String issuer) {
		for (String result : List.of("success", "failure", "invalid")) {
			jwksFetches(issuer, result);
		}
		jwksStale(issuer);
	}

	public void jwksFetch(String issuer, String result) {
		jwksFetches(issuer, result).increment();
		if ("success".equals(result)) {
			this.lastJwksSuccess.computeIfAbsent(issuer, (name) -> {
				AtomicLong last = new AtomicLong();
				Gauge.builder(JWKS_AGE, last, (at) -> (System.nanoTime() - at.get()) / 1e9)
					.description("Seconds since the issuer's JWK Set was last fetched successfully (grows while the IdP is down)")
					.baseUnit("seconds")
					.tag("issuer", name)
					.register(this.registry);
				return last;
			}).set(System.nanoTime());
		}
	}

	/** Time to verify a token and check its binding to the route (signature, lifetime, audience, client). */
	public void authDuration(String route, long nanos) {
		timer(AUTH_DURATION, "Token verification time per route", route).record(nanos, TimeUnit.NANOSECONDS);
	}

	/** Time from sending a request upstream to its response headers (or the failure). */
	public void upstreamDuration(String route, long nanos) {
		timer(UPSTREAM_DURATION, "Upstream time to response headers per route", route).record(nanos, TimeUnit.NANOSECONDS);
	}

	private Timer timer(String name, String description, String route) {
		return this.timers.computeIfAbsent(List.of(name, route), (k) -> Timer.builder(name)
			.description(description)
			.tag("route", route)
			.publishPercentileHistogram()
			.register(this.registry));
	}

	private Counter counter(String name, String description, String... tags) {
		List<String> key = new java.util.ArrayList<>(tags.length + 1);
		key.add(name);
		key.addAll(List.of(tags));
		return this.counters.computeIfAbsent(key,
				(k) -> Counter.builder(name).description(description).tags(tags).register(this.registry));
	}

	private Counter jwksFetches(String issuer, String result) {
		return counter(JWKS_FETCHES, "JWK Set fetches per issuer, by result", "issuer", issuer, "result", result);
	}

	/** Counts requests served from cached keys while the issuer's JWKS URL is down. */
	public void jwksStaleServed(String issuer) {
		jwksStale(issuer).increment();
	}

	private Counter jwksStale(String issuer) {
		return counter(JWKS_STALE, "Key look-ups answered from cached keys while the JWKS URL was unreachable", "issuer", issuer);
	}

	/** The live count of open {@code text/event-stream} responses of a route. */
	public AtomicInteger activeStreams(String route) {
		return this.activeStreams.computeIfAbsent(route,
				(id) -> this.registry.gauge(SSE_ACTIVE, io.micrometer.core.instrument.Tags.of("route", id),
						new AtomicInteger()));
	}

	/** Counts configuration reloads, {@code result} {@code success} or {@code failure} (refused, old one kept). */
	public void configurationReload(boolean succeeded) {
		configurationReloads(succeeded ? "success" : "failure").increment();
	}

	private Counter configurationReloads(String result) {
		return counter(CONFIG_RELOADS, "Configuration reloads, by result (failure: refused, the previous one stays in force)",
				"result", result);
	}

	/**
	 * When the configuration in force was loaded (start-up, then every successful reload), and its
	 * routes, whose open-stream gauges are exported at zero from then on.
	 */
	public void configurationActive(java.time.Instant since, java.util.Collection<String> routes) {
		routes.forEach(this::activeStreams);
		this.configurationActiveSince.set(since.toEpochMilli());
		if (this.configurationActiveGauge.compareAndSet(false, true)) {
			// both results at zero from the start, so rates and alerts see the first failure
			configurationReloads("success");
			configurationReloads("failure");
			io.micrometer.core.instrument.Gauge
				.builder(CONFIG_ACTIVE_SINCE, this.configurationActiveSince, (millis) -> millis.get() / 1000.0)
				.description("When the configuration in force was loaded (start-up or last successful reload), Unix time")
				.baseUnit("seconds")
				.register(this.registry);
		}
	}

	private final java.util.concurrent.atomic.AtomicLong configurationActiveSince = new java.util.concurrent.atomic.AtomicLong();

	private final java.util.concurrent.atomic.AtomicBoolean configurationActiveGauge = new java.util.concurrent.atomic.AtomicBoolean();

}
