package dev.gatehouse.reload;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.gatehouse.config.ConfigurationProblem;

/**
 * The {@code configuration} health details: the files watched, the last reload attempt, its result
 * and, for a refused one, every problem by property path. Always up: a refused reload leaves the
 * previous configuration serving, so it must not take the replica out of service (it is not in the
 * readiness group either).
 */
public final class ConfigurationHealthIndicator implements HealthIndicator {

	private final ConfigurationReloader reloader;

	public ConfigurationHealthIndicator(ConfigurationReloader reloader) {
		this.reloader = reloader;
	}

	@Override
	public Health health() {
		ReloadStatus status = this.reloader.status();
		Health.Builder health = Health.up()
			.withDetail("files", this.reloader.files().stream().map(ConfigurationFiles.File::location).toList())
			.withDetail("activeSince", status.activeSince().toString());
		if (status.attemptedAt() != null) {
			Map<String, Object> attempt = new LinkedHashMap<>();
			attempt.put("at", status.attemptedAt().toString());
			attempt.put("result", status.succeeded() ? "success" : "failure");
			if (!status.succeeded()) {
				attempt.put("problems", status.problems().stream().map(ConfigurationProblem::toString).toList());
			}
			health.withDetail("lastReload", attempt);
		}
		return health.build();
	}

}
