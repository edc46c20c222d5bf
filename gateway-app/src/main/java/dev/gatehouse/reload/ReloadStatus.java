package dev.gatehouse.reload;

import java.time.Instant;
import java.util.List;

import dev.gatehouse.config.ConfigurationProblem;

/**
 * What the last reload attempt did.
 *
 * @param attemptedAt when it ran, or {@code null} when none has yet
 * @param succeeded whether its configuration is now in force
 * @param problems why it was refused, by property path (empty when it succeeded)
 * @param activeSince when the configuration in force was loaded (start-up or the last successful reload)
 */
public record ReloadStatus(Instant attemptedAt, boolean succeeded, List<ConfigurationProblem> problems,
		Instant activeSince) {

	public ReloadStatus {
		problems = List.copyOf(problems);
	}

	static ReloadStatus startedAt(Instant at) {
		return new ReloadStatus(null, true, List.of(), at);
	}

}
