package gatehouse.sandbox.auth;

import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * The sandbox's identity provider: Spring Security's OAuth 2.1 / OpenID Connect authorization
 * server with OIDC discovery and RFC 8414 metadata, a JWKS, client credentials, authorization code
 * with PKCE, open dynamic client registration (RFC 7591, as MCP clients expect), the RFC 8707
 * {@code resource} parameter reflected into {@code aud}, and a login page with one demo user.
 * For local use only: keys, clients and users live in memory.
 */
@SpringBootApplication
public class SandboxAuthorizationServer {

	public static final String M2M_CLIENT_ID = "sandbox-m2m";

	public static final String M2M_CLIENT_SECRET = "sandbox-secret";

	public static final String DEMO_USER = "demo";

	public static final String DEMO_PASSWORD = "demo";

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http) {
		http.oauth2AuthorizationServer((server) -> {
			http.securityMatcher(server.getEndpointsMatcher());
			http.csrf((csrf) -> csrf.ignoringRequestMatchers(server.getEndpointsMatcher()));
			server.oidc(Customizer.withDefaults())
				.clientRegistrationEndpoint((registration) -> registration.openRegistrationAllowed(true)
					.authenticationProviders((providers) -> providers.forEach((provider) -> {
						if (provider instanceof OAuth2ClientRegistrationAuthenticationProvider registrationProvider) {
							registrationProvider.setRegisteredClientConverter(new SandboxRegisteredClientConverter());
							registrationProvider.setAuthenticationValidator(SandboxRegisteredClientConverter.VALIDATOR);
						}
					})));
		})
			.cors((cors) -> cors.configurationSource(browserClients()))
			// open dynamic client registration: MCP clients register themselves without an initial access token
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers("/oauth2/register")
				.permitAll()
				.anyRequest()
				.authenticated())
			.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(
					new LoginUrlAuthenticationEntryPoint("/login"),
					PathPatternRequestMatcher.withDefaults().matcher("/oauth2/authorize")));
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain loginSecurityFilterChain(HttpSecurity http) {
		// preflights (OPTIONS) fall outside the endpoints matcher and land here
		return http.cors((cors) -> cors.configurationSource(browserClients()))
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
			.formLogin(Customizer.withDefaults())
			.build();
	}

	/**
	 * Browser-based clients (the MCP Inspector UI) fetch metadata, register and redeem codes from the
	 * page itself, so the authorization server's endpoints must be CORS-readable from their origin.
	 */
	private static UrlBasedCorsConfigurationSource browserClients() {
		CorsConfiguration cors = new CorsConfiguration();
		cors.setAllowedOrigins(List.of("http://localhost:6274", "http://127.0.0.1:6274"));
		cors.setAllowedMethods(List.of("GET", "POST", "OPTIONS"));
		cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "MCP-Protocol-Version"));
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration("/**", cors);
		return source;
	}

	@Bean
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(
				User.withUsername(DEMO_USER).password("{noop}" + DEMO_PASSWORD).roles("USER").build());
	}

	@Bean
	RegisteredClientRepository registeredClients() {
		RegisteredClient m2m = RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId(M2M_CLIENT_ID)
			.clientSecret("{noop}" + M2M_CLIENT_SECRET)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.scope("mcp:read")
			.scope("mcp:write")
			.scope("mcp:admin")
			.clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
			.build();
		return new InMemoryRegisteredClientRepository(m2m);
	}

	@Bean
	JWKSource<SecurityContext> jwkSource() throws JOSEException {
		RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		return new ImmutableJWKSet<>(new JWKSet(key));
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings(@Value("${sandbox.issuer}") String issuer) {
		return AuthorizationServerSettings.builder().issuer(issuer).build();
	}

	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> resourceAudienceCustomizer(
			@Value("${sandbox.default-audience}") String defaultAudience) {
		return new ResourceAudienceTokenCustomizer(defaultAudience);
	}

}
