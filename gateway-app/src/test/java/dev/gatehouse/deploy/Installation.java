package dev.gatehouse.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Kubernetes objects of one installation, parsed into the fabric8 model: either an overlay's
 * files as the tests resolve them ({@link #resolve}: the base's and overlay's resources plus the
 * generated ConfigMaps; patches are not applied), or what kustomize renders ({@link #render}).
 * Parsing is strict: a field the Kubernetes API does not know (a misspelt {@code readinesProbe})
 * is an error, not an ignored extra.
 */
record Installation(String name, List<HasMetadata> resources, Map<String, Path> configFiles) {

	private static final KubernetesSerialization serialization = new KubernetesSerialization();

	/** The overlay's resources without kustomize; {@code configFiles} maps ConfigMap name/key to its source file. */
	static Installation resolve(Kustomization kustomization) throws IOException {
		List<HasMetadata> resources = new ArrayList<>();
		for (Path file : kustomization.resourceFiles()) {
			try (InputStream in = Files.newInputStream(file)) {
				resources.addAll(parse(in, file.toString()));
			}
		}
		Map<String, Path> configFiles = new LinkedHashMap<>();
		for (Kustomization.GeneratedConfigMap generated : kustomization.configMaps().values()) {
			ConfigMapBuilder configMap = new ConfigMapBuilder().withNewMetadata().withName(generated.name()).endMetadata();
			for (Map.Entry<String, Path> file : generated.files().entrySet()) {
				configMap.addToData(file.getKey(), Files.readString(file.getValue()));
				configFiles.put(generated.name() + "/" + file.getKey(), file.getValue());
			}
			resources.add(configMap.build());
		}
		return new Installation(kustomization.directory().getFileName() + " (resolved by the test)", resources, configFiles);
	}

	/** What {@code kubectl kustomize} or {@code kustomize build} renders, when either is installed. */
	static Optional<Installation> render(Path overlay) throws IOException, InterruptedException {
		Optional<List<String>> command = kustomizeCommand();
		if (command.isEmpty()) {
			return Optional.empty();
		}
		List<String> arguments = new ArrayList<>(command.get());
		arguments.add(overlay.toString());
		Process process = new ProcessBuilder(arguments).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", arguments) + " failed");
		}
		List<HasMetadata> resources = parse(new ByteArrayInputStream(output), String.join(" ", arguments));
		return Optional.of(new Installation(overlay.getFileName() + " (rendered by " + arguments.getFirst() + ")",
				resources, Map.of()));
	}

	static Optional<List<String>> kustomizeCommand() {
		String path = System.getenv().getOrDefault("PATH", "");
		for (String directory : path.split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(directory, "kustomize"))) {
				return Optional.of(List.of(Path.of(directory, "kustomize").toString(), "build"));
			}
			if (Files.isExecutable(Path.of(directory, "kubectl"))) {
				return Optional.of(List.of(Path.of(directory, "kubectl").toString(), "kustomize"));
			}
		}
		return Optional.empty();
	}

	static List<HasMetadata> parse(InputStream in, String source) {
		Object parsed = serialization.unmarshal(in);
		List<?> all = (parsed instanceof List<?> list) ? list : List.of(parsed);
		List<HasMetadata> resources = new ArrayList<>();
		for (Object resource : all) {
			if (!(resource instanceof HasMetadata typed) || typed.getClass().getName().endsWith("GenericKubernetesResource")) {
				throw new IllegalStateException(source + ": not a known Kubernetes kind: " + resource);
			}
			List<String> unknown = new ArrayList<>();
			unknownFields(typed, typed.getKind() + "/" + typed.getMetadata().getName(), unknown);
			if (!unknown.isEmpty()) {
				throw new IllegalStateException(source + ": fields the Kubernetes API does not know: " + unknown);
			}
			resources.add(typed);
		}
		return resources;
	}

	/** The model keeps unknown fields in {@code additionalProperties}: collect every non-empty one. */
	private static void unknownFields(Object value, String path, List<String> unknown) {
		if (value instanceof Collection<?> collection) {
			int i = 0;
			for (Object element : collection) {
				unknownFields(element, path + "[" + i++ + "]", unknown);
			}
			return;
		}
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, element) -> unknownFields(element, path + "." + key, unknown));
			return;
		}
		if (!(value instanceof KubernetesResource)) {
			return; // strings, numbers, Quantity, IntOrString: leaves
		}
		for (Method getter : value.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || getter.getDeclaringClass() == Object.class
					|| !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
				continue;
			}
			Object field = invoke(getter, value);
			if (getter.getName().equals("getAdditionalProperties")) {
				if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
					unknown.add(path + ": " + extra.keySet());
				}
			}
			else {
				unknownFields(field, path + "." + propertyName(getter), unknown);
			}
		}
	}

	private static Object invoke(Method getter, Object target) {
		try {
			return getter.invoke(target);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException(getter + " failed", ex);
		}
	}

	private static String propertyName(Method getter) {
		String name = getter.getName().substring(3);
		return Character.toLowerCase(name.charAt(0)) + name.substring(1);
	}

	<T extends HasMetadata> List<T> all(Class<T> kind) {
		return this.resources.stream().filter(kind::isInstance).map(kind::cast).toList();
	}

	<T extends HasMetadata> T one(Class<T> kind, String name) {
		List<T> named = all(kind).stream().filter((resource) -> resource.getMetadata().getName().equals(name)).toList();
		if (named.size() != 1) {
			throw new IllegalStateException(this.name + ": " + named.size() + " " + kind.getSimpleName() + " named " + name);
		}
		return named.getFirst();
	}

	Deployment deployment() {
		return one(Deployment.class, "gatehouse");
	}

	Optional<ConfigMap> configMap(String name) {
		return all(ConfigMap.class).stream().filter((map) -> map.getMetadata().getName().equals(name)).findFirst();
	}

	Stream<HasMetadata> stream() {
		return this.resources.stream();
	}

	@Override
	public String toString() {
		return this.name;
	}

}
