package dev.gatehouse.reload;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

import dev.gatehouse.config.GatehouseProperties;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.routing.StreamingProxyExchange;

/** Live configuration reload: the watcher, the reloader and the {@code configuration} health details. */
@Configuration(proxyBeanMethods = false)
class ReloadConfiguration {

	@Bean(destroyMethod = "close")
	ConfigurationReloader configurationReloader(ConfigurableEnvironment environment, ActiveConfiguration active,
			StreamingProxyExchange exchange, GatehouseMeters meters) {
		return new ConfigurationReloader(environment, active, exchange, meters, Clock.systemUTC());
	}

	@Bean
	ConfigurationFileWatcher configurationFileWatcher(ConfigurationReloader reloader, GatehouseProperties properties) {
		return new ConfigurationFileWatcher(reloader, properties.reload().enabled(), properties.reload().pollInterval());
	}

	@Bean
	ConfigurationHealthIndicator configurationHealthIndicator(ConfigurationReloader reloader) {
		return new ConfigurationHealthIndicator(reloader);
	}

}
