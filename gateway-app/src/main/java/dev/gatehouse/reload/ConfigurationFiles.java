package dev.gatehouse.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.Profiles;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.springframework.util.StringUtils;

/**
 * The configuration files Gatehouse was started with ({@code file:} entries of
 * {@code spring.config.additional-location}) and how to read them again the Spring Boot way: a new
 * environment holding the running one's property sources in the same order, with the ones Boot loaded
 * from these files replaced by a fresh load, so command-line arguments and environment variables
 * still override the files exactly as at start-up.
 */
final class ConfigurationFiles {

	/** Boot's attached view of the running environment's sources: it would bind the old ones. */
	private static final String ATTACHED = "configurationProperties";

	/** Boot's name for config data: {@code Config resource 'file [<path>]' via location '<location>'}. */
	private static final String CONFIG_RESOURCE = "Config resource '";

	private final List<File> files;

	/** @param location a {@code file:} location, as given (possibly {@code optional:}); path: the file */
	record File(String location, Path path) {
	}

	private ConfigurationFiles(List<File> files) {
		this.files = List.copyOf(files);
	}

	static ConfigurationFiles of(ConfigurableEnvironment environment) {
		List<File> files = new ArrayList<>();
		String locations = environment.getProperty("spring.config.additional-location", "");
		for (String location : StringUtils.commaDelimitedListToStringArray(locations)) {
			String trimmed = location.trim();
			String path = trimmed.startsWith("optional:") ? trimmed.substring("optional:".length()) : trimmed;
			// a directory location (trailing /) means Boot's application.* names in it: not a file of ours
			if (path.startsWith("file:") && !path.endsWith("/")) {
				files.add(new File(trimmed, Path.of(path.substring("file:".length()))));
			}
		}
		return new ConfigurationFiles(files);
	}

	List<File> files() {
		return this.files;
	}

	/** The files' contents, hashed; an unreadable file counts as a state of its own. */
	String fingerprint() {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
		for (File file : this.files) {
			try {
				digest.update(Files.readAllBytes(file.path()));
			}
			catch (IOException ex) {
				digest.update(("unreadable " + ex.getClass().getName()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			}
			digest.update((byte) 0);
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * @return a new environment: {@code running}'s property sources, the files read afresh in the
	 * place Boot put them
	 * @throws UnreadableFileException a file cannot be read or parsed
	 */
	ConfigurableEnvironment reload(ConfigurableEnvironment running) {
		StandardEnvironment next = new StandardEnvironment();
		MutablePropertySources sources = next.getPropertySources();
		List.copyOf(sources.stream().map(PropertySource::getName).toList()).forEach(sources::remove);
		next.setActiveProfiles(running.getActiveProfiles());
		next.setDefaultProfiles(running.getDefaultProfiles());
		List<File> placed = new ArrayList<>();
		for (PropertySource<?> source : running.getPropertySources()) {
			if (ATTACHED.equals(source.getName())) {
				continue;
			}
			File file = loadedFrom(source);
			if (file == null) {
				sources.addLast(source);
			}
			else if (!placed.contains(file)) {
				load(file, running).forEach(sources::addLast);
				placed.add(file);
			}
		}
		for (File file : this.files) {
			if (!placed.contains(file)) {
				// absent at start-up (an optional: location): above Boot's own config data, as Boot would put it
				String before = sources.stream()
					.map(PropertySource::getName)
					.filter((name) -> name.startsWith(CONFIG_RESOURCE))
					.findFirst()
					.orElse(null);
				for (PropertySource<?> loaded : load(file, running)) {
					if (before != null) {
						sources.addBefore(before, loaded);
					}
					else {
						sources.addLast(loaded);
					}
				}
			}
		}
		return next;
	}

	private File loadedFrom(PropertySource<?> source) {
		if (!source.getName().startsWith(CONFIG_RESOURCE)) {
			return null;
		}
		return this.files.stream()
			.filter((file) -> source.getName().contains(" via location '" + file.location() + "'"))
			.findFirst()
			.orElse(null);
	}

	/** Loads one file as Boot does: later YAML documents take precedence over earlier ones. */
	private static List<PropertySource<?>> load(File file, ConfigurableEnvironment running) {
		String name = CONFIG_RESOURCE + "file [" + file.path() + "]' via location '" + file.location() + "'";
		List<PropertySource<?>> documents;
		try {
			documents = new ArrayList<>(new YamlPropertySourceLoader().load(name, new FileSystemResource(file.path())));
		}
		catch (IOException | RuntimeException ex) {
			throw new UnreadableFileException(file, ex);
		}
		documents.removeIf((document) -> !active(document, running));
		java.util.Collections.reverse(documents);
		return documents;
	}

	/** Profile-specific documents ({@code spring.config.activate.on-profile}) only when their profile is active. */
	private static boolean active(PropertySource<?> document, ConfigurableEnvironment running) {
		Object profile = document.getProperty("spring.config.activate.on-profile");
		return profile == null || running.acceptsProfiles(Profiles.of(profile.toString()));
	}

	/** A file that cannot be read or is not YAML; the message names the file and never its content. */
	static final class UnreadableFileException extends RuntimeException {

		private final transient File file;

		UnreadableFileException(File file, Exception cause) {
			super(describe(cause));
			this.file = file;
		}

		File file() {
			return this.file;
		}

		private static String describe(Exception ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof org.yaml.snakeyaml.error.MarkedYAMLException yaml) {
					// the problem and where, not SnakeYAML's context snippet, which quotes the file
					org.yaml.snakeyaml.error.Mark mark = yaml.getProblemMark();
					return "not valid YAML" + ((mark != null)
							? " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) : "")
							+ ((yaml.getProblem() != null) ? ": " + yaml.getProblem() : "");
				}
				if (cause instanceof java.nio.file.NoSuchFileException || cause instanceof java.io.FileNotFoundException) {
					return "file not found";
				}
			}
			return "cannot be read (" + ex.getClass().getSimpleName() + ")";
		}

	}

}
