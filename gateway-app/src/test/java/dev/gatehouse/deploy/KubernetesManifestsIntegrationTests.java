package dev.gatehouse.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.gatehouse.GatehouseApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts Gatehouse the way the example overlay's Deployment does (its container arguments, with
 * the mounted ConfigMap file replaced by the file the ConfigMap is generated from) and asks the
 * running application for what the manifests point at: the probe paths and the Prometheus path on
 * the management port, and nothing of them on the public port. The ports are random here;
 * {@link KubernetesManifestsTests} compares the numbers with {@code application.yml}. The IdP is
 * replaced by a closed loopback port, so readiness stays down while liveness is up, as in a
 * cluster whose IdP is unreachable.
 */
class KubernetesManifestsIntegrationTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static Installation installation;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void startAsTheDeploymentDoes() throws IOException {
		Path overlay = KubernetesManifestsTests.repository().resolve("k8s/overlays/example");
		installation = Installation.resolve(Kustomization.read(overlay));
		Container container = container();
		VolumeMount mount = container.getVolumeMounts().stream().filter((candidate) -> candidate.getName().equals("config")).findFirst().orElseThrow();
		Volume volume = installation.deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
			.filter((candidate) -> candidate.getName().equals(mount.getName())).findFirst().orElseThrow();
		List<String> arguments = new ArrayList<>();
		for (String argument : container.getArgs()) {
			String mounted = "file:" + mount.getMountPath() + "/";
			int at = argument.indexOf(mounted);
			if (at >= 0) {
				String key = argument.substring(at + mounted.length());
				Path source = installation.configFiles().get(volume.getConfigMap().getName() + "/" + key);
				assertThat(source).as("ConfigMap source of " + argument).isNotNull();
				argument = argument.substring(0, at) + "file:" + source;
			}
			arguments.add(argument);
		}
		assertThat(arguments).anySatisfy((argument) -> assertThat(argument).contains(overlay.toString()));
		arguments.add("--server.port=0");
		arguments.add("--management.server.port=0");
		arguments.add("--server.address=127.0.0.1");
		arguments.add("--management.server.address=127.0.0.1");
		// requests come to 127.0.0.1, not the public-url host (which would get 421 before any path check)
		arguments.add("--gatehouse.allowed-hosts[0]=127.0.0.1");
		int closed = closedPort();
		for (String issuer : issuersWithDiscovery(overlay.resolve("gatehouse.yaml"))) {
			arguments.add("--gatehouse.issuers." + issuer + ".discovery-url=http://127.0.0.1:" + closed
					+ "/.well-known/openid-configuration");
		}
		context = new SpringApplicationBuilder(GatehouseApplication.class).run(arguments.toArray(String[]::new));
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void probePathsWhenRequestedOnManagementPortThenLivenessUpAndReadinessWaitingForIdp() throws Exception {
		Container container = container();
		assertThat(get(managementPort(), container.getStartupProbe())).isEqualTo(200);
		assertThat(get(managementPort(), container.getLivenessProbe())).isEqualTo(200);
		// not 404: the path exists and reports the issuer it is waiting for
		assertThat(get(managementPort(), container.getReadinessProbe())).isEqualTo(503);
	}

	@Test
	void probePathsWhenRequestedOnPublicPortThenNotServed() throws Exception {
		Container container = container();
		assertThat(get(publicPort(), container.getLivenessProbe())).isEqualTo(404);
		assertThat(get(publicPort(), container.getReadinessProbe())).isEqualTo(404);
	}

	@Test
	void prometheusPathOfMetricsServiceWhenScrapedThenGatehouseMeters() throws Exception {
		Map<String, String> annotations = installation.one(Service.class, "gatehouse-metrics").getMetadata().getAnnotations();
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(
				URI.create("http://127.0.0.1:" + managementPort() + annotations.get("prometheus.io/path"))).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("jvm_memory_used_bytes");
		assertThat(get(publicPort(), annotations.get("prometheus.io/path"))).isEqualTo(404);
	}

	private static int get(int port, Probe probe) throws Exception {
		return get(port, probe.getHttpGet().getPath());
	}

	private static int get(int port, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static Container container() {
		return installation.deployment().getSpec().getTemplate().getSpec().getContainers().getFirst();
	}

	private static int publicPort() {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	private static int managementPort() {
		return context.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
	}

	@SuppressWarnings("unchecked")
	private static List<String> issuersWithDiscovery(Path config) throws IOException {
		try (InputStream in = Files.newInputStream(config)) {
			Map<String, Map<String, Map<String, Map<String, Object>>>> yaml = new Yaml().load(in);
			return yaml.get("gatehouse").get("issuers").entrySet().stream()
				.filter((issuer) -> issuer.getValue().containsKey("discovery-url"))
				.map(Map.Entry::getKey)
				.toList();
		}
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
