package dev.gatehouse.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.gatehouse.config.GatehouseConfigurationLoader;
import dev.gatehouse.config.GatehouseProperties;
import dev.gatehouse.config.InvalidConfigurationException;

/**
 * Reading the configuration file again, against an environment prepared by Spring Boot's own config
 * data processing (as at start-up): same property source names and order, command-line arguments
 * still win over the file, every file problem reported by name.
 */
class ConfigurationFilesTests {

	@TempDir
	Path directory;

	@Test
	void reloadWhenFileChangedThenFreshFileInBootsPlaceAndArgumentsStillWin() throws IOException {
		Path file = this.directory.resolve("gatehouse.yaml");
		Files.writeString(file, config("https://file.example.com", "/mcp/one"));
		ConfigurableEnvironment running = bootEnvironment(file, "--gatehouse.public-url=https://args.example.com");
		List<String> names = running.getPropertySources().stream().map(PropertySource::getName).toList();
		System.out.println("Property sources at start-up: " + names);
		assertThat(names).anyMatch((name) -> name.startsWith("Config resource 'file [") && name.endsWith("via location 'file:" + file + "'"));

		Files.writeString(file, config("https://changed.example.com", "/mcp/two"));
		ConfigurableEnvironment reloaded = ConfigurationFiles.of(running).reload(running);
		GatehouseProperties properties = GatehouseConfigurationLoader.load(reloaded);

		assertThat(properties.routes().get("jira").path()).isEqualTo("/mcp/two");
		assertThat(properties.publicUrl()).hasToString("https://args.example.com");
		assertThat(reloaded.getPropertySources().stream().map(PropertySource::getName).toList())
			.isEqualTo(names.stream().filter((name) -> !name.equals("configurationProperties")).toList());
		// the running environment is untouched
		assertThat(GatehouseConfigurationLoader.load(running).routes().get("jira").path()).isEqualTo("/mcp/one");
	}

	@Test
	void reloadWhenFileIsNotYamlThenUnreadableWithPositionAndNoContent() throws IOException {
		Path file = this.directory.resolve("gatehouse.yaml");
		Files.writeString(file, config("https://file.example.com", "/mcp/one"));
		ConfigurableEnvironment running = bootEnvironment(file);
		Files.writeString(file, "gatehouse:\n  public-url: [s3cr3t\n  routes: {");
		assertThatExceptionOfType(ConfigurationFiles.UnreadableFileException.class)
			.isThrownBy(() -> ConfigurationFiles.of(running).reload(running))
			.withMessageStartingWith("not valid YAML at line")
			.withMessageNotContaining("s3cr3t");
	}

	@Test
	void reloadWhenFileInvalidThenSameProblemsAsAtStartUp() throws IOException {
		Path file = this.directory.resolve("gatehouse.yaml");
		Files.writeString(file, config("https://file.example.com", "/mcp/one"));
		ConfigurableEnvironment running = bootEnvironment(file);
		Files.writeString(file, config("https://file.example.com", "/mcp/one").replace("issuers: [corp]", "issuers: [okta]")
			.replace("path:", "pathh:"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> GatehouseConfigurationLoader.load(ConfigurationFiles.of(running).reload(running)))
			.satisfies((ex) -> assertThat(ex.problems()).extracting((problem) -> problem.property())
				.contains("gatehouse.routes.jira.issuers[0]", "gatehouse.routes.jira.pathh"));
	}

	@Test
	void fingerprintWhenContentChangesThenChanges() throws IOException {
		Path file = this.directory.resolve("gatehouse.yaml");
		Files.writeString(file, "a: 1\n");
		ConfigurationFiles files = ConfigurationFiles.of(bootEnvironment(file));
		String first = files.fingerprint();
		assertThat(files.fingerprint()).isEqualTo(first);
		Files.writeString(file, "a: 2\n");
		assertThat(files.fingerprint()).isNotEqualTo(first);
		Files.delete(file);
		assertThat(files.fingerprint()).isNotEqualTo(first);
	}

	private static ConfigurableEnvironment bootEnvironment(Path file, String... args) {
		StandardEnvironment environment = new StandardEnvironment();
		String[] all = new String[args.length + 1];
		all[0] = "--spring.config.additional-location=file:" + file;
		System.arraycopy(args, 0, all, 1, args.length);
		environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(all));
		ConfigDataEnvironmentPostProcessor.applyTo(environment);
		return environment;
	}

	private static String config(String publicUrl, String path) {
		return """
				gatehouse:
				  public-url: %s
				  issuers:
				    corp:
				      discovery-url: https://idp.example.com/.well-known/openid-configuration
				  routes:
				    jira:
				      path: %s
				      upstream: http://jira.example.com/mcp
				      issuers: [corp]
				""".formatted(publicUrl, path);
	}

}
