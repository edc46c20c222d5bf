package dev.gatehouse.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example in the repository's {@code config/} folder, and the configuration file of every
 * Kubernetes overlay ({@code k8s/overlays/<name>/gatehouse.yaml}, which its ConfigMap is generated
 * from), must load: a new file is picked up without touching this class.
 */
class ExampleConfigurationsTests {

	@Test
	void examplesWhenListedThenAtLeastSixFound() throws IOException {
		assertThat(examples()).hasSizeGreaterThanOrEqualTo(6)
			.extracting((path) -> path.getFileName().toString())
			.contains("okta.yaml", "entra.yaml", "cognito.yaml", "auth0.yaml", "keycloak.yaml", "multi-route.yaml");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("examples")
	void exampleWhenLoadedThenValidWithAtLeastOneRoute(Path file) throws IOException {
		GatehouseProperties properties = GatehouseConfigurationLoader.load(environment(file));
		assertThat(properties.routes()).isNotEmpty();
		assertThat(properties.issuers()).isNotEmpty();
	}

	@Test
	void cognitoExampleWhenLoadedThenAudienceCheckOffAndTokensBoundByClient() throws IOException {
		RouteProperties route = load("cognito.yaml").routes().get("jira");
		assertThat(route.allowedAudiences()).isEmpty();
		assertThat(route.allowedClients()).isNotEmpty();
	}

	@Test
	void keycloakExampleWhenLoadedThenAudienceDefaultsToResource() throws IOException {
		assertThat(load("keycloak.yaml").routes().get("jira").allowedAudiences()).isNull();
	}

	@Test
	void auth0ExampleWhenLoadedThenIssuerKeepsTrailingSlash() throws IOException {
		assertThat(load("auth0.yaml").issuers().get("auth0").issuer()).hasToString("https://example.eu.auth0.com/");
	}

	@Test
	void multiRouteExampleWhenLoadedThenRootMetadataRouteNamesOneOfThreeRoutesAndOneHasInstances() throws IOException {
		GatehouseProperties properties = load("multi-route.yaml");
		assertThat(properties.routes()).hasSize(3);
		assertThat(properties.issuers()).hasSize(2);
		assertThat(properties.routes()).containsKey(properties.rootMetadataRoute());
		assertThat(properties.routes().get("confluence").upstreams()).hasSize(2);
	}

	@Test
	void examplesWhenListedThenKubernetesExampleOverlayConfigurationIncluded() throws IOException {
		assertThat(examples()).anySatisfy((path) -> assertThat(path).endsWith(Path.of("k8s", "overlays", "example", "gatehouse.yaml")));
	}

	static List<Path> examples() throws IOException {
		List<Path> examples = new ArrayList<>();
		try (Stream<Path> files = Files.list(configDirectory())) {
			files.filter((path) -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml"))
				.sorted()
				.forEach(examples::add);
		}
		// kustomize reads only files below the kustomization, so each overlay keeps its own copy
		Path overlays = configDirectory().resolveSibling("k8s").resolve("overlays");
		if (Files.isDirectory(overlays)) {
			try (Stream<Path> dirs = Files.list(overlays)) {
				dirs.map((dir) -> dir.resolve("gatehouse.yaml")).filter(Files::exists).sorted().forEach(examples::add);
			}
		}
		return examples;
	}

	private static GatehouseProperties load(String name) throws IOException {
		return GatehouseConfigurationLoader.load(environment(configDirectory().resolve(name)));
	}

	/** The repository's {@code config/} folder, from the module directory or the repository root. */
	private static Path configDirectory() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isDirectory(dir.resolve("config")) && Files.isDirectory(dir.resolve("gateway-app"))) {
				return dir.resolve("config");
			}
		}
		throw new IllegalStateException("no config/ folder next to gateway-app/ above " + Path.of("").toAbsolutePath());
	}

	private static StandardEnvironment environment(Path file) throws IOException {
		StandardEnvironment environment = new StandardEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		// only the file: a GATEHOUSE_* variable on the build machine must not change the result
		sources.stream().map(PropertySource::getName).toList().forEach(sources::remove);
		for (PropertySource<?> source : new YamlPropertySourceLoader().load(file.getFileName().toString(),
				new FileSystemResource(file))) {
			sources.addLast(source);
		}
		return environment;
	}

}
