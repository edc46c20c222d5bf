package dev.gatehouse.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when the configuration has problems; carries all of them, not just the first. */
public final class InvalidConfigurationException extends RuntimeException {

	private final List<ConfigurationProblem> problems;

	public InvalidConfigurationException(List<ConfigurationProblem> problems) {
		super(describe(problems));
		this.problems = List.copyOf(problems);
	}

	public List<ConfigurationProblem> problems() {
		return this.problems;
	}

	static String describe(List<ConfigurationProblem> problems) {
		return "Gatehouse configuration is invalid (" + problems.size()
				+ ((problems.size() == 1) ? " problem" : " problems") + "):"
				+ problems.stream().map((p) -> "\n  - " + p).collect(Collectors.joining());
	}

}
