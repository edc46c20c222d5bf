package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.List;

import org.springframework.aot.AotDetector;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Binds the {@code gatehouse} properties from any Spring Boot source (YAML file given with
 * {@code --spring.config.additional-location}, environment variables, ...) and validates them as a
 * whole: unknown keys, unconvertible values and rule violations are collected together and thrown
 * as one {@link InvalidConfigurationException}.
 */
public final class GatehouseConfigurationLoader {

	private static final String TRACE_EXPORT = "management.tracing.export.enabled";

	private GatehouseConfigurationLoader() {
	}

	public static GatehouseProperties load(Environment environment) {
		CollectingBindHandler handler = new CollectingBindHandler();
		GatehouseProperties properties = Binder.get(environment)
			.bind("gatehouse", Bindable.of(GatehouseProperties.class), handler)
			.orElseGet(() -> new GatehouseProperties(null, null, null, null, null, null, null, null));
		List<ConfigurationProblem> problems = new ArrayList<>(handler.problems());
		// a value that did not convert is bound as null; "is required" would only repeat the problem
		GatehouseConfigurationValidator.validate(properties)
			.stream()
			.filter((problem) -> !handler.unconvertible().contains(problem.property()))
			.forEach(problems::add);
		problems.addAll(fixedAtBuildTime(environment, AotDetector.useGeneratedArtifacts()));
		if (!problems.isEmpty()) {
			throw new InvalidConfigurationException(problems);
		}
		return properties;
	}

	/**
	 * With Spring AOT ({@code -Dspring.aot.enabled=true}, a build with {@code -Pspring-aot}) the
	 * beans were chosen when the jar was built, with trace export off: turning it on at run time
	 * would be silently ignored, so it is refused instead.
	 */
	static List<ConfigurationProblem> fixedAtBuildTime(Environment environment, boolean springAot) {
		if (springAot && environment.getProperty(TRACE_EXPORT, Boolean.class, false)) {
			return List.of(new ConfigurationProblem(TRACE_EXPORT,
					"trace export cannot be turned on with Spring AOT (-Dspring.aot.enabled=true): its beans were "
							+ "chosen when the jar was built; start without that flag to export traces"));
		}
		return List.of();
	}

}
