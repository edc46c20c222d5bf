package gatehouse.sandbox.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * RFC 8707: the {@code resource} the client asked for (in the token request, or else in the
 * authorization request) becomes the access token's {@code aud}; a client that names none gets the
 * sandbox's default resource, as IdPs with a default audience do. Also adds {@code client_id}
 * (RFC 9068 §2.2).
 */
final class ResourceAudienceTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

	private static final String RESOURCE = "resource";

	private final String defaultAudience;

	ResourceAudienceTokenCustomizer(String defaultAudience) {
		this.defaultAudience = defaultAudience;
	}

	@Override
	public void customize(JwtEncodingContext context) {
		if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
			return;
		}
		List<String> resources = new ArrayList<>();
		if (context.getAuthorizationGrant() instanceof OAuth2AuthorizationGrantAuthenticationToken grant) {
			resources.addAll(values(grant.getAdditionalParameters()));
		}
		OAuth2Authorization authorization = context.getAuthorization();
		if (resources.isEmpty() && authorization != null
				&& authorization.getAttribute(OAuth2AuthorizationRequest.class.getName()) instanceof OAuth2AuthorizationRequest request) {
			resources.addAll(values(request.getAdditionalParameters()));
		}
		context.getClaims().audience(resources.isEmpty() ? List.of(this.defaultAudience) : resources);
		context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
	}

	private static List<String> values(Map<String, Object> parameters) {
		Object value = parameters.get(RESOURCE);
		if (value instanceof String single) {
			return List.of(single);
		}
		if (value instanceof String[] array) {
			return List.of(array);
		}
		if (value instanceof Collection<?> collection) {
			return collection.stream().map(String::valueOf).toList();
		}
		return List.of();
	}

}
