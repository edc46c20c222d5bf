package dev.gatehouse.config;

/**
 * One thing wrong with the configuration, named by its property path.
 *
 * @param property the full property path, e.g. {@code gatehouse.routes.jira.issuers[0]}
 * @param message what is wrong and what would be right, for a person to act on
 */
public record ConfigurationProblem(String property, String message) {

	@Override
	public String toString() {
		return this.property + ": " + this.message;
	}

}
