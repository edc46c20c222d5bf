package dev.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.gatehouse.config.IssuerProperties;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.support.TestIdp;

/** Reconciling issuers across a configuration reload: what carries over, what is new, what resolves. */
class TrustedIssuersTests {

	private static IssuerProperties discovery(String url) {
		return new IssuerProperties(URI.create(url), null, null, null, null, null, null, null);
	}

	private final TrustedIssuers current = TrustedIssuers.compile(
			Map.of("corp", discovery("https://corp.example.com/.well-known/openid-configuration"), "old",
					discovery("https://old.example.com/.well-known/openid-configuration")),
			new GatehouseMeters(new SimpleMeterRegistry()), JsonMapper.builder().build());

	@Test
	void reconcileWhenPropertiesEqualThenSameInstanceElseNew() {
		TrustedIssuers next = this.current.reconcile(Map.of(
				"corp", discovery("https://corp.example.com/.well-known/openid-configuration"),
				"old", new IssuerProperties(URI.create("https://old.example.com/.well-known/openid-configuration"), null,
						null, null, Duration.ofSeconds(30), null, null, null),
				"new", discovery("https://new.example.com/.well-known/openid-configuration")));

		assertThat(next.get("corp")).isSameAs(this.current.get("corp"));
		assertThat(next.get("old")).isNotSameAs(this.current.get("old"));
		assertThat(next.notIn(this.current)).extracting(TrustedIssuer::name).containsExactlyInAnyOrder("old", "new");
		assertThat(this.current.notIn(next)).extracting(TrustedIssuer::name).containsExactly("old");
	}

	@Test
	void resolveWhenOneIssuerUnreachableThenOnlyItIsReported() throws Exception {
		try (TestIdp idp = new TestIdp()) {
			TrustedIssuers next = this.current.reconcile(Map.of("up", discovery(idp.discoveryUrl()), "down",
					discovery("http://127.0.0.1:1/.well-known/openid-configuration")));
			long start = System.nanoTime();
			Map<String, String> problems = TrustedIssuers.resolve(next.all(), Duration.ofSeconds(10));
			System.out.printf("Resolution problems after %d ms: %s%n", (System.nanoTime() - start) / 1_000_000, problems);
			assertThat(problems).containsOnlyKeys("down");
			assertThat(next.get("up").ready()).isTrue();
			assertThat(next.get("down").ready()).isFalse();
			next.close();
			assertThat(next.get("up").closed()).isTrue();
		}
	}

}
