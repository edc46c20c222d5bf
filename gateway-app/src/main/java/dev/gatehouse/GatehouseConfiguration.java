package dev.gatehouse;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.gatehouse.config.GatehouseConfigurationLoader;
import dev.gatehouse.config.GatehouseProperties;
import dev.gatehouse.observability.AuditFilter;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.observability.IssuerKeysHealthIndicator;
import dev.gatehouse.observability.RouteObservationConvention;
import dev.gatehouse.reload.ActiveConfiguration;
import dev.gatehouse.reload.GatehouseRuntime;
import dev.gatehouse.routing.ConnectionBuffers;
import dev.gatehouse.token.AccessTokenVerifier;
import dev.gatehouse.token.IssuerKeyLoader;
import dev.gatehouse.token.TrustedIssuers;

/**
 * Loads the configuration at start-up, validates it as a whole, and compiles it into the runtime
 * objects every request uses: trusted issuers, the route table and the token verifier. A reload
 * ({@code dev.gatehouse.reload}) replaces the compiled configuration as a whole.
 */
@Configuration(proxyBeanMethods = false)
class GatehouseConfiguration {

	@Bean
	GatehouseProperties gatehouseProperties(Environment environment) {
		return GatehouseConfigurationLoader.load(environment);
	}

	@Bean
	GatehouseMeters gatehouseMeters(MeterRegistry registry) {
		return new GatehouseMeters(registry);
	}

	/**
	 * The issuers of the configuration at start-up, resolved in the background by
	 * {@link IssuerKeyLoader}; closed by the {@link ActiveConfiguration} that holds them last.
	 */
	@Bean(destroyMethod = "")
	TrustedIssuers trustedIssuers(GatehouseProperties properties, GatehouseMeters meters, JsonMapper json) {
		return TrustedIssuers.compile(properties.issuers(), meters, json);
	}

	@Bean
	IssuerKeyLoader issuerKeyLoader(TrustedIssuers trustedIssuers) {
		return new IssuerKeyLoader(trustedIssuers);
	}

	/** The configuration in force; a reload replaces it. Its issuers are closed after the web server stops. */
	@Bean(destroyMethod = "close")
	ActiveConfiguration activeConfiguration(GatehouseProperties properties, TrustedIssuers trustedIssuers) {
		return new ActiveConfiguration(GatehouseRuntime.compile(properties, trustedIssuers));
	}

	@Bean
	IssuerKeysHealthIndicator issuerKeysHealthIndicator(ActiveConfiguration active) {
		return new IssuerKeysHealthIndicator(() -> active.get().issuers().all());
	}

	/** Outermost on the public port (inside the observation filter): correlation id and audit event. */
	@Bean
	FilterRegistrationBean<AuditFilter> auditFilter() {
		FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(new AuditFilter());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
		return registration;
	}

	/**
	 * No tracer while traces are not exported ({@code management.tracing.export.enabled}, false by
	 * default here; Spring Boot's OpenTelemetry tracer backs off for this one). Otherwise every
	 * request would still start spans that go nowhere (a measurable share of its CPU), and their ids
	 * would appear as exemplars in the Prometheus scrape, pointing at traces that exist nowhere:
	 * Prometheus before 2.43 (Debian 12 ships 2.42) refuses a whole scrape with an exemplar on a
	 * histogram's {@code _count} line (prometheus/prometheus#11984).
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "management.tracing.export.enabled", havingValue = false)
	Tracer noTracer() {
		return Tracer.NOOP;
	}

	/** Smaller buffers on the public connector: an idle SSE stream holds its connection's buffers. */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> connectionBuffers() {
		return ConnectionBuffers.clientConnections();
	}

	@Bean
	RouteObservationConvention routeObservationConvention() {
		return new RouteObservationConvention();
	}

	@Bean
	AccessTokenVerifier accessTokenVerifier() {
		return new AccessTokenVerifier(Clock.systemUTC());
	}

}
