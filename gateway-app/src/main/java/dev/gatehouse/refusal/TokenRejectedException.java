package dev.gatehouse.refusal;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * A request refused for a known {@link Reason}. An {@link OAuth2AuthenticationException} because
 * {@code BearerTokenAuthenticationFilter} sends only that type from the token resolver to the entry
 * point; and deliberately not an {@code AuthenticationServiceException}, which the filter rethrows
 * as a 500, so that {@link Reason#KEYS_UNAVAILABLE} reaches {@code RejectionResponder} and becomes
 * a 503.
 */
public final class TokenRejectedException extends OAuth2AuthenticationException {

	private final Reason reason;

	public TokenRejectedException(Reason reason) {
		super(new OAuth2Error(reason.code()), reason.code());
		this.reason = reason;
	}

	public Reason reason() {
		return this.reason;
	}

}
