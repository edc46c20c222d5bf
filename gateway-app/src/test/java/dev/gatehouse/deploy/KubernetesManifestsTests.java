package dev.gatehouse.deploy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The manifests in {@code k8s/} agree with what the application serves and reads: ports, probe
 * paths, the mounted configuration file, the shutdown timing, and with each other (selectors,
 * scale targets). Every overlay is checked twice where kustomize is installed: as the test resolves
 * it (base and overlay files, generated ConfigMaps; runs everywhere) and as kustomize renders it.
 * The application's side comes from its own {@code application.yml}, not from copies of its values.
 */
class KubernetesManifestsTests {

	private static final StandardEnvironment application = applicationYml();

	static Stream<Installation> installations() throws Exception {
		List<Installation> installations = new ArrayList<>();
		for (Path overlay : overlays()) {
			installations.add(Installation.resolve(Kustomization.read(overlay)));
			Installation.render(overlay).ifPresent(installations::add);
		}
		return installations.stream();
	}

	static List<Path> overlays() throws IOException {
		try (Stream<Path> overlays = Files.list(repository().resolve("k8s/overlays"))) {
			return overlays.filter((dir) -> Files.exists(dir.resolve("kustomization.yaml"))).sorted().toList();
		}
	}

	@Test
	void overlaysWhenListedThenExampleFoundAndEveryYamlUnderK8sIsUsed() throws IOException {
		assertThat(overlays()).extracting((dir) -> dir.getFileName().toString()).contains("example");
		Set<Path> used = new HashSet<>();
		for (Path overlay : overlays()) {
			Kustomization kustomization = Kustomization.read(overlay);
			used.addAll(kustomization.resourceFiles());
			used.addAll(kustomization.ownFiles());
		}
		try (Stream<Path> files = Files.walk(repository().resolve("k8s"))) {
			// a manifest no kustomization lists would never be applied, nor checked here
			assertThat(files.filter((file) -> file.toString().endsWith(".yaml")).map(Path::normalize))
				.allSatisfy((file) -> assertThat(used).contains(file));
		}
	}

	@Test
	void configMapGeneratorWhenReadThenStableNameSoUpdatesReachRunningPods() throws IOException {
		for (Path overlay : overlays()) {
			for (Kustomization.GeneratedConfigMap configMap : Kustomization.read(overlay).configMaps().values()) {
				// with a hash suffix every change would be a new ConfigMap and a rollout, never a live update
				assertThat(configMap.nameSuffixHash()).as(overlay + " " + configMap.name()).isFalse();
				// ExampleConfigurationsTests loads <overlay>/gatehouse.yaml as a Gatehouse configuration
				assertThat(configMap.files().values()).contains(overlay.resolve("gatehouse.yaml"));
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installations")
	void containerPortsWhenComparedWithApplicationYmlThenPublicAndManagementPorts(Installation installation) {
		Container container = gatehouse(installation);
		assertThat(container.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
			.containsExactlyInAnyOrder(tuple("http", serverPort()),
					tuple("management", managementPort()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installations")
	void probesWhenComparedWithApplicationYmlThenHealthGroupsOnManagementPort(Installation installation) {
		Container container = gatehouse(installation);
		assertThat(application.getProperty("management.endpoint.health.probes.enabled", Boolean.class, true)).isTrue();
		String health = application.getProperty("management.server.base-path", "")
				+ application.getProperty("management.endpoints.web.base-path", "/actuator") + "/health";
		assertThat(application.getProperty("management.endpoint.health.group.readiness.include")).isNotBlank();
		// liveness must not depend on the IdP, or an IdP outage restarts every replica
		assertThat(application.getProperty("management.endpoint.health.group.liveness.include"))
			.isEqualTo("livenessState");
		assertProbe(container, container.getStartupProbe(), health + "/liveness");
		assertProbe(container, container.getLivenessProbe(), health + "/liveness");
		assertProbe(container, container.getReadinessProbe(), health + "/readiness");
	}

	private static void assertProbe(Container container, Probe probe, String path) {
		assertThat(probe).isNotNull();
		assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
		assertThat(port(container, probe.getHttpGet().getPort())).isEqualTo(managementPort());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installations")
	void configMountWhenFollowedFromArgumentThenConfigMapKeyHoldsAGatehouseConfiguration(Installation installation) {
		PodSpec pod = installation.deployment().getSpec().getTemplate().getSpec();
		Container container = gatehouse(installation);
		List<String> locations = container.getArgs().stream()
			.filter((arg) -> arg.startsWith("--spring.config.additional-location="))
			.flatMap((arg) -> Stream.of(arg.substring(arg.indexOf('=') + 1).split(",")))
			.toList();
		assertThat(locations).hasSize(1).allSatisfy((location) -> assertThat(location).startsWith("file:"));
		Path file = Path.of(locations.getFirst().substring("file:".length()));
		VolumeMount mount = container.getVolumeMounts().stream()
			.filter((candidate) -> file.startsWith(candidate.getMountPath()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no volume mounted above " + file));
		// a directory mount: subPath mounts never see ConfigMap updates
		assertThat(mount.getSubPath()).isNull();
		assertThat(mount.getReadOnly()).isTrue();
		Volume volume = pod.getVolumes().stream().filter((candidate) -> candidate.getName().equals(mount.getName())).findFirst().orElseThrow();
		assertThat(volume.getConfigMap()).as("volume " + volume.getName()).isNotNull();
		assertThat(volume.getConfigMap().getItems()).isNullOrEmpty();
		assertThat(volume.getConfigMap().getOptional()).isNotEqualTo(Boolean.TRUE);
		String key = Path.of(mount.getMountPath()).relativize(file).toString();
		ConfigMap configMap = installation.configMap(volume.getConfigMap().getName())
			.orElseThrow(() -> new AssertionError("no ConfigMap " + volume.getConfigMap().getName()));
		assertThat(configMap.getData()).containsKey(key);
		Map<String, Object> yaml = new Yaml().load(configMap.getData().get(key));
		assertThat(yaml).containsOnlyKeys("gatehouse");
		if (!installation.configFiles().isEmpty()) {
			assertThat(installation.configFiles().get(configMap.getMetadata().getName() + "/" + key).getFileName())
				.hasToString("gatehouse.yaml");
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installations")
	void terminationGracePeriodWhenComparedWithShutdownPhaseThenLongerThanPreStopPlusPhase(Installation installation) {
		PodSpec pod = installation.deployment().getSpec().getTemplate().getSpec();
		assertThat(application.getProperty("server.shutdown")).isEqualTo("graceful");
		Duration phase = DurationStyle.detectAndParse(application.getProperty("spring.lifecycle.timeout-per-shutdown-phase", "30s"));
		long preStop = gatehouse(installation).getLifecycle().getPreStop().getSleep().getSeconds();
		// the phase is the graceful web server wait; closing SSE streams, keys and the client comes on top
		long margin = 10;
		assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(preStop + phase.toSeconds() + margin);
		// the endpoints controller needs a readiness probe period or two to take the pod out
		assertThat(preStop).isGreaterThanOrEqualTo(gatehouse(installation).getReadinessProbe().getPeriodSeconds());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installations")
	void securityContextWhenReadThenNonRootReadOnlyNoCapabilitiesRuntimeDefaultSeccomp(Installation installation) {
		PodSpec pod = installation.deployment().getSpec().getTemplate().getSpec();
		Container container = gatehouse(installation);
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
		assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
		assertThat(pod.getAutomountServiceAccountToken()).isFalse();
		assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
		assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
		assertThat(container.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
		assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
		assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
		// the one writable place (Tomcat's work directory) is an emptyDir, not the image
		VolumeMount tmp = container.getVolumeMounts().stream().filter((mount) -> mount.getMountPath().equals("/tmp")).findFirst().orElseThrow();
		assertThat(pod.getVolumes()).filteredOn((volume) -> volume.getName().equals(tmp.getName()))
			.singleElement()
			.satisfies((volume) -> assertThat(volume.getEmptyDir()).isNotNull());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installations")
	void resourcesWhenReadThenMemoryGuaranteedAndHeapLeavesRoomForNonHeap(Installation installation) {
		Container container = gatehouse(installation);
		Quantity request = container.getResources().getRequests().get("memory");
		Quantity limit = container.getResources().getLimits().get("memory");
		assertThat(Quantity.getAmountInBytes(request)).isEqualByComparingTo(Quantity.getAmountInBytes(limit));
		assertThat(container.getResources().getRequests()).containsKey("cpu");
		String javaOptions = container.getEnv().stream().filter((env) -> env.getName().equals("JAVA_TOOL_OPTIONS"))
			.map(EnvVar::getValue).findFirst().orElseThrow();
		int percentage = Integer.parseInt(javaOptions.replaceAll(".*-XX:MaxRAMPercentage=(\\d+).*", "$1"));
		// fixed, not grown: a small heap keeps held SSE streams above G1's marking threshold
		assertThat(javaOptions).contains("-XX:InitialRAMPercentage=" + percentage + " ");
		// about 200 MiB measured outside the heap
		long nonHeap = Quantity.getAmountInBytes(limit).longValue() * (100 - percentage) / 100;
		assertThat(nonHeap).isGreaterThanOrEqualTo(256L * 1024 * 1024);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installations")
	void servicesWhenReadThenPublicServiceHasOnlyThePublicPortAndMetricsServiceTheManagementPort(Installation installation) {
		Map<String, String> podLabels = installation.deployment().getSpec().getTemplate().getMetadata().getLabels();
		Container container = gatehouse(installation);
		Service gatehouse = installation.one(Service.class, "gatehouse");
		assertThat(gatehouse.getSpec().getType()).isIn(null, "ClusterIP");
		assertThat(gatehouse.getSpec().getPorts()).singleElement()
			.satisfies((port) -> assertThat(port(container, port.getTargetPort())).isEqualTo(serverPort()));
		Service metrics = installation.one(Service.class, "gatehouse-metrics");
		assertThat(metrics.getSpec().getPorts()).singleElement()
			.satisfies((port) -> assertThat(port(container, port.getTargetPort())).isEqualTo(managementPort()));
		assertThat(metrics.getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true")
			.containsEntry("prometheus.io/port", String.valueOf(managementPort()))
			.containsEntry("prometheus.io/path", application.getProperty("management.endpoints.web.base-path", "/actuator") + "/prometheus");
		assertThat(application.getProperty("management.endpoints.web.exposure.include")).contains("prometheus");
		for (Service service : installation.all(Service.class)) {
			assertThat(podLabels).as("selector of Service " + service.getMetadata().getName())
				.containsAllEntriesOf(service.getSpec().getSelector());
			assertThat(service.getSpec().getPorts()).extracting(ServicePort::getTargetPort).doesNotContainNull();
		}
		assertThat(installation.deployment().getSpec().getSelector().getMatchLabels()).isNotEmpty();
		assertThat(podLabels).containsAllEntriesOf(installation.deployment().getSpec().getSelector().getMatchLabels());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installations")
	void disruptionBudgetAndAutoscalerWhenReadThenTargetTheDeploymentWithAtLeastTwoReplicas(Installation installation) {
		Deployment deployment = installation.deployment();
		Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
		PodDisruptionBudget budget = installation.one(PodDisruptionBudget.class, "gatehouse");
		assertSelects(budget.getSpec().getSelector(), podLabels);
		assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
		HorizontalPodAutoscaler autoscaler = installation.one(HorizontalPodAutoscaler.class, "gatehouse");
		assertThat(autoscaler.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo(deployment.getApiVersion());
		assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
		assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
		assertThat(autoscaler.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
		assertThat(autoscaler.getSpec().getMaxReplicas()).isGreaterThanOrEqualTo(autoscaler.getSpec().getMinReplicas());
		assertThat(autoscaler.getSpec().getMetrics()).anySatisfy((metric) -> assertThat(metric.getResource().getName()).isEqualTo("cpu"));
		// the autoscaler owns the replica count; a count here would be re-applied over it
		assertThat(deployment.getSpec().getReplicas()).isNull();
		assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installations")
	void networkPolicyWhenReadThenPublicPortOpenManagementPortOnlyFromMonitoringAndDnsAllowed(Installation installation) {
		Container container = gatehouse(installation);
		NetworkPolicy policy = installation.one(NetworkPolicy.class, "gatehouse");
		assertSelects(policy.getSpec().getPodSelector(), installation.deployment().getSpec().getTemplate().getMetadata().getLabels());
		assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
		assertThat(policy.getSpec().getIngress()).anySatisfy((rule) -> {
			assertThat(rule.getFrom()).isNullOrEmpty();
			assertThat(rule.getPorts()).extracting((port) -> port(container, port.getPort())).containsExactly(serverPort());
		});
		assertThat(policy.getSpec().getIngress()).allSatisfy((rule) -> {
			if (rule.getPorts().stream().anyMatch((port) -> port(container, port.getPort()) == managementPort())) {
				assertThat(rule.getFrom()).isNotEmpty().allSatisfy((peer) -> {
					assertThat(peer.getNamespaceSelector()).isNotNull();
					assertThat(peer.getIpBlock()).isNull();
				});
			}
		});
		assertThat(policy.getSpec().getEgress()).anySatisfy((rule) -> assertThat(rule.getPorts())
			.extracting(NetworkPolicyPort::getProtocol, (port) -> port.getPort().getIntVal())
			.contains(tuple("UDP", 53)));
		assertThat(egressPorts(policy)).contains(443);
	}

	/** As kustomize renders it (patches and transformers applied): what each overlay adds to the base. */
	@Test
	void overlaysWhenRenderedByKustomizeThenNamespacedTaggedAndEgressAllowedToEveryUpstream() throws Exception {
		assumeTrue(Installation.kustomizeCommand().isPresent(), "neither kustomize nor kubectl on the PATH");
		for (Path overlay : overlays()) {
			Installation installation = Installation.render(overlay).orElseThrow();
			String namespace = installation.deployment().getMetadata().getNamespace();
			assertThat(namespace).isNotBlank();
			assertThat(installation.stream().filter((resource) -> !resource.getKind().equals("Namespace")))
				.allSatisfy((resource) -> assertThat(resource.getMetadata().getNamespace()).isEqualTo(namespace));
			assertThat(gatehouse(installation).getImage()).contains(":").doesNotEndWith(":latest");
			ConfigMap configMap = installation.configMap("gatehouse-config").orElseThrow();
			Map<String, Map<String, Object>> config = new Yaml().load(configMap.getData().get("gatehouse.yaml"));
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> routes = (Map<String, Map<String, Object>>) config.get("gatehouse").get("routes");
			Set<Integer> allowed = egressPorts(installation.one(NetworkPolicy.class, "gatehouse"));
			assertThat(routes.values()).isNotEmpty().allSatisfy((route) -> {
				URI upstream = URI.create((String) route.get("upstream"));
				int port = (upstream.getPort() != -1) ? upstream.getPort() : upstream.getScheme().equals("https") ? 443 : 80;
				assertThat(allowed).as(overlay + ": egress to " + upstream).contains(port);
			});
		}
	}

	private static Set<Integer> egressPorts(NetworkPolicy policy) {
		Set<Integer> ports = new HashSet<>();
		policy.getSpec().getEgress().forEach((rule) -> rule.getPorts().forEach((port) -> ports.add(port.getPort().getIntVal())));
		return ports;
	}

	private static void assertSelects(LabelSelector selector, Map<String, String> podLabels) {
		assertThat(selector.getMatchExpressions()).isNullOrEmpty();
		assertThat(selector.getMatchLabels()).isNotEmpty();
		assertThat(podLabels).containsAllEntriesOf(selector.getMatchLabels());
	}

	private static Container gatehouse(Installation installation) {
		List<Container> containers = installation.deployment().getSpec().getTemplate().getSpec().getContainers();
		assertThat(containers).extracting(Container::getName).containsExactly("gatehouse");
		return containers.getFirst();
	}

	/** A port given by number or by the container port's name. */
	private static int port(Container container, IntOrString port) {
		if (port.getIntVal() != null) {
			return port.getIntVal();
		}
		return container.getPorts().stream()
			.filter((candidate) -> port.getStrVal().equals(candidate.getName()))
			.map(ContainerPort::getContainerPort)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
	}

	private static int serverPort() {
		return application.getRequiredProperty("server.port", Integer.class);
	}

	private static int managementPort() {
		return application.getRequiredProperty("management.server.port", Integer.class);
	}

	/** The application's own defaults, and nothing from the build machine's environment. */
	private static StandardEnvironment applicationYml() {
		StandardEnvironment environment = new StandardEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		sources.stream().map(PropertySource::getName).toList().forEach(sources::remove);
		try {
			new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
				.forEach(sources::addLast);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return environment;
	}

	/** The repository root: the folder holding both {@code gateway-app/} and {@code k8s/}. */
	static Path repository() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isDirectory(dir.resolve("k8s")) && Files.isDirectory(dir.resolve("gateway-app"))) {
				return dir;
			}
		}
		throw new IllegalStateException("no k8s/ folder next to gateway-app/ above " + Path.of("").toAbsolutePath());
	}

}
