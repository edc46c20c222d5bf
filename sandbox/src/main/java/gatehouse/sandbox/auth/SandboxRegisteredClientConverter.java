package gatehouse.sandbox.auth;

import java.util.Set;
import java.util.function.Consumer;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2ClientRegistration;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.converter.OAuth2ClientRegistrationRegisteredClientConverter;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

/**
 * How the sandbox registers MCP clients that register themselves (RFC 7591): as the stock converter
 * does, but without a consent screen (the demo user logs in once and the client gets its code), and
 * allowed every sandbox scope whatever it registered with, so that it can step up later (MCP
 * clients register with the scopes of the first challenge they see). Tokens still carry only the
 * scopes requested.
 * Registration may name only the sandbox's scopes ({@link #VALIDATOR}); the stock validator refuses
 * any scope, which MCP clients that register with their scopes cannot work with.
 */
final class SandboxRegisteredClientConverter implements Converter<OAuth2ClientRegistration, RegisteredClient> {

	static final Set<String> SCOPES = Set.of("mcp:read", "mcp:write", "mcp:admin", "openid", "profile");

	static final Consumer<OAuth2ClientRegistrationAuthenticationContext> VALIDATOR = OAuth2ClientRegistrationAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR
		.andThen(OAuth2ClientRegistrationAuthenticationValidator.DEFAULT_JWK_SET_URI_VALIDATOR)
		.andThen(SandboxRegisteredClientConverter::validateScopes)
		.andThen(SandboxRegisteredClientConverter::validateRedirectHosts);

	private final OAuth2ClientRegistrationRegisteredClientConverter delegate = new OAuth2ClientRegistrationRegisteredClientConverter();

	@Override
	public RegisteredClient convert(OAuth2ClientRegistration registration) {
		RegisteredClient client = this.delegate.convert(registration);
		return RegisteredClient.from(client)
			.clientSettings(ClientSettings.withSettings(client.getClientSettings().getSettings())
				.requireAuthorizationConsent(false)
				.build())
			.scopes((scopes) -> scopes.addAll(SCOPES))
			.build();
	}

	/**
	 * Consent is off, so a redirect URI must lead back to the user's own machine (loopback), to an
	 * app-claimed scheme (cursor://, vscode://) or to VS Code's web redirect; never to another host.
	 */
	private static void validateRedirectHosts(OAuth2ClientRegistrationAuthenticationContext context) {
		var redirects = context.<org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationToken>getAuthentication()
			.getClientRegistration()
			.getRedirectUris();
		for (String redirect : (redirects != null) ? redirects : java.util.List.<String>of()) {
			java.net.URI uri = java.net.URI.create(redirect);
			boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
			boolean loopback = web && Set.of("127.0.0.1", "localhost", "[::1]").contains(uri.getHost());
			if (web && !loopback && !redirect.startsWith("https://vscode.dev/redirect")) {
				throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
						"The sandbox accepts loopback redirect URIs only", null));
			}
		}
	}

	private static void validateScopes(OAuth2ClientRegistrationAuthenticationContext context) {
		var scopes = context.<org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationToken>getAuthentication()
			.getClientRegistration()
			.getScopes();
		if (scopes != null && !SCOPES.containsAll(scopes)) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
					"The sandbox knows the scopes " + SCOPES, null));
		}
	}

}
