package dev.gatehouse.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.yaml.snakeyaml.Yaml;

/**
 * The parts of a {@code kustomization.yaml} that the repository uses, read without kustomize so the
 * manifest tests run on any machine: the resource files (a directory entry is another
 * kustomization, resolved recursively), the ConfigMap generators and the patch files. Any other
 * field fails the read, so a kustomize feature the tests do not understand is never silently skipped.
 */
record Kustomization(Path directory, String namespace, List<Path> resourceFiles,
		Map<String, GeneratedConfigMap> configMaps, List<Path> patchFiles, List<Path> ownFiles) {

	private static final Set<String> KNOWN_FIELDS = Set.of("apiVersion", "kind", "namespace", "resources", "images",
			"configMapGenerator", "patches");

	/** A ConfigMap made by {@code configMapGenerator}: data key to source file. */
	record GeneratedConfigMap(String name, Map<String, Path> files, boolean nameSuffixHash) {
	}

	static Kustomization read(Path directory) throws IOException {
		Path file = directory.resolve("kustomization.yaml");
		Map<String, Object> yaml;
		try (InputStream in = Files.newInputStream(file)) {
			yaml = new Yaml().load(in);
		}
		Set<String> unknown = new TreeSet<>(yaml.keySet());
		unknown.removeAll(KNOWN_FIELDS);
		if (!unknown.isEmpty()) {
			throw new IllegalStateException(file + ": fields the manifest tests do not understand: " + unknown);
		}
		List<Path> own = new ArrayList<>(List.of(file));
		List<Path> resources = new ArrayList<>();
		Map<String, GeneratedConfigMap> configMaps = new LinkedHashMap<>();
		List<Path> patches = new ArrayList<>();
		for (String entry : strings(yaml.get("resources"))) {
			Path resource = existing(directory.resolve(entry).normalize(), file);
			if (Files.isDirectory(resource)) {
				Kustomization base = read(resource);
				resources.addAll(base.resourceFiles());
				configMaps.putAll(base.configMaps());
				patches.addAll(base.patchFiles());
				own.addAll(base.ownFiles());
			}
			else {
				resources.add(resource);
			}
		}
		for (Map<String, Object> generator : maps(yaml.get("configMapGenerator"))) {
			Map<String, Path> files = new LinkedHashMap<>();
			for (String entry : strings(generator.get("files"))) {
				// `key=path` or `path` (the key is then the file name), as kustomize reads them
				int equals = entry.indexOf('=');
				Path source = existing(directory.resolve(equals < 0 ? entry : entry.substring(equals + 1)).normalize(), file);
				files.put(equals < 0 ? source.getFileName().toString() : entry.substring(0, equals), source);
				own.add(source);
			}
			Map<String, Object> options = maps(List.of(generator.getOrDefault("options", Map.of()))).getFirst();
			String name = (String) generator.get("name");
			configMaps.put(name, new GeneratedConfigMap(name, files, !Boolean.TRUE.equals(options.get("disableNameSuffixHash"))));
		}
		for (Map<String, Object> patch : maps(yaml.get("patches"))) {
			if (patch.get("path") instanceof String path) {
				patches.add(existing(directory.resolve(path).normalize(), file));
			}
		}
		own.addAll(patches.stream().filter((patch) -> patch.startsWith(directory)).toList());
		return new Kustomization(directory, (String) yaml.get("namespace"), resources, configMaps, patches, own);
	}

	private static Path existing(Path path, Path listedIn) {
		if (!Files.exists(path)) {
			throw new IllegalStateException(listedIn + " lists " + path + ", which does not exist");
		}
		return path;
	}

	@SuppressWarnings("unchecked")
	private static List<String> strings(Object value) {
		return (value != null) ? (List<String>) value : List.of();
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> maps(Object value) {
		return (value != null) ? (List<Map<String, Object>>) value : List.of();
	}

}
