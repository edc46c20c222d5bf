package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Binds like Boot's {@link NoUnboundElementsBindHandler} (unknown keys are errors) but collects
 * every unknown key and every value that cannot be converted instead of stopping at the first, so
 * that they can be reported together with the validation problems. Unknown keys are looked for in
 * files and arguments, not in environment variables: Kubernetes gives every pod
 * {@code GATEHOUSE_SERVICE_HOST}, {@code GATEHOUSE_PORT}, ... for a Service named {@code gatehouse},
 * and those must not stop start-up.
 */
final class CollectingBindHandler extends NoUnboundElementsBindHandler {

	private final List<ConfigurationProblem> problems = new ArrayList<>();

	private final Set<String> unconvertible = new HashSet<>();

	CollectingBindHandler() {
		super(BindHandler.DEFAULT, (source) -> !(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource));
	}

	/** Properties whose value could not be converted (already reported; nothing more to say about them). */
	Set<String> unconvertible() {
		return this.unconvertible;
	}

	List<ConfigurationProblem> problems() {
		return this.problems;
	}

	@Override
	public Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
			throws Exception {
		if (error instanceof UnboundConfigurationPropertiesException) {
			throw error;
		}
		String type = target.getType().resolve(Object.class).getSimpleName();
		String why = (error instanceof ConversionException) ? "is not a valid " + type : "cannot be read as " + type;
		// the value itself is not echoed: it may be a secret
		this.problems.add(new ConfigurationProblem(name.toString(), "value " + why));
		this.unconvertible.add(name.toString());
		// the key is known, only its value is wrong: keep it from being reported as unknown too
		super.onSuccess(name, target, context, error);
		return null;
	}

	@Override
	public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result)
			throws Exception {
		try {
			super.onFinish(name, target, context, result);
		}
		catch (UnboundConfigurationPropertiesException ex) {
			ex.getUnboundProperties()
				.forEach((property) -> this.problems.add(new ConfigurationProblem(property.getName().toString(),
						"unknown key (check the spelling against the configuration reference)")));
		}
	}

}
