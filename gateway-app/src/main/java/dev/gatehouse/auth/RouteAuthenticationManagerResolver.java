package dev.gatehouse.auth;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.observability.RequestAudit;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.TokenRejectedException;
import dev.gatehouse.routing.RequestRoute;
import dev.gatehouse.routing.Route;
import dev.gatehouse.token.AccessTokenVerifier;
import dev.gatehouse.token.VerifiedToken;

/**
 * Authenticates a bearer token for the route the request is for: verified against the route's
 * issuers, then checked to be bound to the route (audience, client). A token valid for another
 * route or resource is rejected here with 401.
 */
final class RouteAuthenticationManagerResolver implements AuthenticationManagerResolver<HttpServletRequest> {

	private final AccessTokenVerifier verifier;

	private final GatehouseMeters meters;

	RouteAuthenticationManagerResolver(AccessTokenVerifier verifier, GatehouseMeters meters) {
		this.verifier = verifier;
		this.meters = meters;
	}

	@Override
	public AuthenticationManager resolve(HttpServletRequest request) {
		Route route = RequestRoute.of(request);
		return (authentication) -> {
			String bearer = ((BearerTokenAuthenticationToken) authentication).getToken();
			long start = System.nanoTime();
			try {
				VerifiedToken token = this.verifier.verify(bearer, route.issuers());
				RequestAudit audit = RequestAudit.of(request);
				if (audit != null) {
					audit.authenticated(token.issuer(), token.subject(), token.clientId());
				}
				Reason unbound = route.policy().checkBinding(token);
				if (unbound != null) {
					throw new TokenRejectedException(unbound);
				}
				return new GatehouseAuthentication(route.id(), token);
			}
			finally {
				this.meters.authDuration(route.id(), System.nanoTime() - start);
			}
		};
	}

}
