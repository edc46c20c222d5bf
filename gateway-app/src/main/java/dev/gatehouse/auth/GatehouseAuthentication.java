package dev.gatehouse.auth;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

import dev.gatehouse.token.VerifiedToken;

/** A request authenticated by a token verified for one route. Never holds the token string. */
public final class GatehouseAuthentication extends AbstractAuthenticationToken {

	private final String routeId;

	private final VerifiedToken token;

	GatehouseAuthentication(String routeId, VerifiedToken token) {
		super(List.of());
		this.routeId = routeId;
		this.token = token;
		setAuthenticated(true);
	}

	public String routeId() {
		return this.routeId;
	}

	public VerifiedToken token() {
		return this.token;
	}

	@Override
	public Object getCredentials() {
		return null;
	}

	/** {@code <issuer name>:<sub>}, or {@code <issuer name>:client:<client id>} for a token without {@code sub}. */
	@Override
	public Object getPrincipal() {
		return (this.token.subject() != null) ? this.token.issuer() + ":" + this.token.subject()
				: this.token.issuer() + ":client:" + this.token.clientId();
	}

}
