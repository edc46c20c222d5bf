package dev.gatehouse.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.DispatcherType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.session.DisableEncodeUrlFilter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

import dev.gatehouse.config.GatehouseProperties;
import dev.gatehouse.metadata.ProtectedResourceMetadataFilter;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.reload.ActiveConfiguration;
import dev.gatehouse.routing.Route;
import dev.gatehouse.routing.RouteTable;
import dev.gatehouse.routing.Routes;
import dev.gatehouse.session.SessionBindingFilter;
import dev.gatehouse.session.SessionBindings;
import dev.gatehouse.token.AccessTokenVerifier;

/**
 * The request pipeline in front of every route, in order: {@code Host} check (421), protected
 * resource metadata (public),
 * {@code Origin} check, CORS, route lookup (404 for no route), bearer token resolution and
 * verification (400/401/503), scope and claim checks (403), MCP session ownership (404). Every
 * refusal is written by
 * {@link RejectionResponder}. No session, no CSRF token (bearer tokens are not ambient
 * credentials), Spring Security's strict firewall at its defaults.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

	/** Management port: health, info and prometheus only; everything else there is refused. */
	@Bean
	@Order(1)
	SecurityFilterChain managementSecurityFilterChain(HttpSecurity http) {
		return http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.authorizeHttpRequests((authorize) -> authorize
				.requestMatchers(EndpointRequest.to("health", "info", "prometheus")).permitAll()
				.anyRequest().denyAll())
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain gatewaySecurityFilterChain(HttpSecurity http, ActiveConfiguration active,
			AccessTokenVerifier verifier, RejectionResponder responder, GatehouseMeters meters, JsonMapper json,
			SessionBindings sessions) {
		// every part follows the configuration in force (a reload swaps it), derived once per configuration
		Supplier<RouteTable> routes = () -> active.get().routes();
		Supplier<Set<String>> origins = active.view((runtime) -> origins(runtime.properties()));
		Supplier<UrlBasedCorsConfigurationSource> corsSources = active
			.view((runtime) -> corsSource(runtime.routes(), List.copyOf(origins(runtime.properties()))));
		Supplier<AllowedHosts> hosts = active.view((runtime) -> AllowedHosts.compile(runtime.properties()));
		http.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.formLogin((form) -> form.disable())
			.httpBasic((basic) -> basic.disable())
			.logout((logout) -> logout.disable())
			// nothing reads the servlet API's principal or needs an anonymous token: a request without a
			// valid token never reaches the proxy (RouteAuthorizationManager), so both are cost only
			.servletApi((servletApi) -> servletApi.disable())
			.anonymous((anonymous) -> anonymous.disable())
			.cors((cors) -> cors.configurationSource((request) -> corsSources.get().getCorsConfiguration(request)))
			.addFilterBefore(new HostValidationFilter(hosts, responder), DisableEncodeUrlFilter.class)
			.addFilterBefore(new ProtectedResourceMetadataFilter(routes, json), HeaderWriterFilter.class)
			.addFilterBefore(new OriginValidationFilter(origins, responder), CorsFilter.class)
			.addFilterBefore(new RouteResolutionFilter(routes, responder), BearerTokenAuthenticationFilter.class)
			.addFilterAfter(new SessionBindingFilter(sessions, responder), AuthorizationFilter.class)
			.oauth2ResourceServer((resourceServer) -> resourceServer
				.authenticationManagerResolver(new RouteAuthenticationManagerResolver(verifier, meters))
				.bearerTokenResolver(new StrictBearerTokenResolver())
				.authenticationEntryPoint(responder)
				.accessDeniedHandler(responder))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(responder).accessDeniedHandler(responder))
			.authorizeHttpRequests((authorize) -> authorize.dispatcherTypeMatchers(DispatcherType.ERROR)
				.permitAll()
				.anyRequest()
				.access(new RouteAuthorizationManager(meters)));
		return http.build();
	}

	/**
	 * No observation of each security filter, authentication and authorization: http.server.requests
	 * and gatehouse.auth.* say what matters, and the per-filter wrapping is a measurable cost per request.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/** Spring Security's strict firewall, unchanged in what it refuses; header characters checked faster. */
	@Bean
	StrictHttpFirewall httpFirewall() {
		return HeaderCharacters.strictFirewall();
	}

	/** MCP sessions bound to their principal: at most 100,000 per replica, forgotten after 24 h unused. */
	@Bean
	SessionBindings sessionBindings() {
		return new SessionBindings(100_000, Duration.ofHours(24), Clock.systemUTC());
	}

	@Bean
	RejectionResponder rejectionResponder(GatehouseMeters meters) {
		return new RejectionResponder(meters);
	}

	private static Set<String> origins(GatehouseProperties properties) {
		Set<String> origins = new LinkedHashSet<>();
		origins.add(Routes.publicOrigin(properties));
		origins.addAll(properties.allowedOrigins());
		return Set.copyOf(origins);
	}

	/** CORS for browser-based MCP clients (MCP Streamable HTTP headers), for allowed origins only. */
	private static UrlBasedCorsConfigurationSource corsSource(RouteTable routes, List<String> origins) {
		CorsConfiguration cors = new CorsConfiguration();
		cors.setAllowedOrigins(origins);
		cors.setAllowedMethods(List.of("GET", "POST", "DELETE", "OPTIONS"));
		// any request header: MCP adds Mcp-* headers (Mcp-Param-* is open-ended); safe without credentials
		cors.setAllowedHeaders(List.of("*"));
		cors.setExposedHeaders(List.of("WWW-Authenticate", "Mcp-Session-Id", "MCP-Protocol-Version"));
		cors.setAllowCredentials(false);
		cors.setMaxAge(3600L);
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		for (Route route : routes.routes()) {
			source.registerCorsConfiguration(route.path(), cors);
			source.registerCorsConfiguration(route.path() + "/**", cors);
		}
		return source;
	}

}
