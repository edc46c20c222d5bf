package gatehouse.sandbox.auth;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.server.authorization.OAuth2ClientRegistration;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.converter.OAuth2ClientRegistrationRegisteredClientConverter;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

/**
 * Registers dynamically registered clients as the stock converter does, but without a consent
 * screen: in the sandbox the demo user logs in once and the MCP client gets its code at once.
 */
final class ConsentFreeRegisteredClientConverter implements Converter<OAuth2ClientRegistration, RegisteredClient> {

	private final OAuth2ClientRegistrationRegisteredClientConverter delegate = new OAuth2ClientRegistrationRegisteredClientConverter();

	@Override
	public RegisteredClient convert(OAuth2ClientRegistration registration) {
		RegisteredClient client = this.delegate.convert(registration);
		return RegisteredClient.from(client)
			.clientSettings(ClientSettings.withSettings(client.getClientSettings().getSettings())
				.requireAuthorizationConsent(false)
				.build())
			.build();
	}

}
