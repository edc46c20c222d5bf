package dev.gatehouse.reload;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.ConfigurableEnvironment;

import dev.gatehouse.config.ConfigurationProblem;
import dev.gatehouse.config.GatehouseConfigurationLoader;
import dev.gatehouse.config.GatehouseProperties;
import dev.gatehouse.config.InvalidConfigurationException;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.routing.Route;
import dev.gatehouse.routing.StreamingProxyExchange;
import dev.gatehouse.token.TrustedIssuer;
import dev.gatehouse.token.TrustedIssuers;

/**
 * Reloads the configuration files: reads them the Spring Boot way ({@link ConfigurationFiles}),
 * validates the result in full as at start-up, resolves new or changed issuers (discovery and first
 * key fetch, within {@link #ISSUER_TIMEOUT}), then swaps the compiled configuration in at once.
 * Unchanged issuers carry over with their cached keys; issuers no longer used are closed
 * {@link #RETIRE_DELAY} later, when requests that started with them are past token verification.
 * Anything wrong refuses the reload as a whole: the previous configuration stays in force, and the
 * refusal is logged (every problem by property path, never a value), counted
 * ({@code gatehouse.config.reloads{result="failure"}}) and shown in the {@code configuration} health
 * details.
 */
public final class ConfigurationReloader implements AutoCloseable {

	static final Duration ISSUER_TIMEOUT = Duration.ofSeconds(30);

	static final Duration RETIRE_DELAY = Duration.ofSeconds(30);

	private static final Logger logger = LoggerFactory.getLogger(ConfigurationReloader.class);

	private final ConfigurableEnvironment environment;

	private final ConfigurationFiles files;

	private final ActiveConfiguration active;

	private final StreamingProxyExchange exchange;

	private final GatehouseMeters meters;

	private final Clock clock;

	private final ScheduledExecutorService retirements = Executors.newSingleThreadScheduledExecutor(
			Thread.ofVirtual().name("gatehouse-issuer-retirement").factory());

	private volatile ReloadStatus status;

	public ConfigurationReloader(ConfigurableEnvironment environment, ActiveConfiguration active,
			StreamingProxyExchange exchange, GatehouseMeters meters, Clock clock) {
		this.environment = environment;
		this.files = ConfigurationFiles.of(environment);
		this.active = active;
		this.exchange = exchange;
		this.meters = meters;
		this.clock = clock;
		this.status = ReloadStatus.startedAt(clock.instant());
		meters.configurationActive(this.status.activeSince(), routeIds(active.get()));
	}

	ReloadStatus status() {
		return this.status;
	}

	List<ConfigurationFiles.File> files() {
		return this.files.files();
	}

	/** The files' current content, hashed (what the watcher compares). */
	String fingerprint() {
		return this.files.fingerprint();
	}

	/** Reads, validates and applies the configuration files; on any problem, keeps the one in force. */
	public synchronized ReloadStatus reload() {
		Instant at = this.clock.instant();
		GatehouseRuntime current = this.active.get();
		GatehouseProperties properties;
		try {
			properties = GatehouseConfigurationLoader.load(this.files.reload(this.environment));
		}
		catch (InvalidConfigurationException ex) {
			return refused(at, ex.problems());
		}
		catch (ConfigurationFiles.UnreadableFileException ex) {
			return refused(at, List.of(new ConfigurationProblem(ex.file().location(), ex.getMessage())));
		}
		TrustedIssuers issuers = current.issuers().reconcile(properties.issuers());
		List<TrustedIssuer> added = issuers.notIn(current.issuers());
		GatehouseRuntime next;
		try {
			Map<String, String> unresolved = TrustedIssuers.resolve(added, ISSUER_TIMEOUT);
			if (!unresolved.isEmpty()) {
				TrustedIssuers.close(added);
				List<ConfigurationProblem> problems = new ArrayList<>();
				unresolved.forEach((name, why) -> problems.add(new ConfigurationProblem("gatehouse.issuers." + name,
						"issuer cannot be resolved (discovery and keys): " + why)));
				return refused(at, problems);
			}
			next = GatehouseRuntime.compile(properties, issuers);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			TrustedIssuers.close(added);
			return refused(at, List.of(new ConfigurationProblem("gatehouse", "reload interrupted (shutting down)")));
		}
		catch (RuntimeException ex) {
			TrustedIssuers.close(added);
			logger.error("Configuration reload failed unexpectedly", ex);
			return refused(at, List.of(new ConfigurationProblem("gatehouse",
					"could not be compiled (" + ex.getClass().getSimpleName() + ")")));
		}
		warnRestartOnly(current.properties(), properties);
		this.exchange.upstream(properties.upstream());
		this.active.swap(next);
		retire(current.issuers().notIn(issuers));
		logger.info("Configuration reloaded: routes {}, issuers {} (new or changed: {}, removed or replaced: {})",
				routeIds(next), properties.issuers().keySet(),
				added.stream().map(TrustedIssuer::name).toList(),
				current.issuers().notIn(issuers).stream().map(TrustedIssuer::name).toList());
		this.status = new ReloadStatus(at, true, List.of(), at);
		this.meters.configurationReload(true);
		this.meters.configurationActive(at, routeIds(next));
		return this.status;
	}

	private ReloadStatus refused(Instant at, List<ConfigurationProblem> problems) {
		// logged before it is counted: whoever sees the count can read why
		logger.warn("Configuration reload refused; the previous configuration stays in force. {}",
				new InvalidConfigurationException(problems).getMessage());
		this.status = new ReloadStatus(at, false, problems, this.status.activeSince());
		this.meters.configurationReload(false);
		return this.status;
	}

	private static List<String> routeIds(GatehouseRuntime runtime) {
		return runtime.routes().routes().stream().map(Route::id).toList();
	}

	private static void warnRestartOnly(GatehouseProperties current, GatehouseProperties next) {
		if (!current.reload().equals(next.reload())) {
			logger.warn("gatehouse.reload.* changed; it takes effect after a restart");
		}
	}

	/** Closes issuers no configuration uses any more, once requests that started with them are past them. */
	private void retire(List<TrustedIssuer> retired) {
		if (!retired.isEmpty()) {
			this.retirements.schedule(() -> TrustedIssuers.close(retired), RETIRE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/** Closes retired issuers still waiting for their delay: the web server has stopped. */
	@Override
	public synchronized void close() {
		this.retirements.shutdownNow().forEach(Runnable::run);
	}

}
