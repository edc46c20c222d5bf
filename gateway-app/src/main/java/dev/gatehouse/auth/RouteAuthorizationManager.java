package dev.gatehouse.auth;

import java.util.Set;
import java.util.function.Supplier;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.routing.RequestRoute;
import dev.gatehouse.routing.Route;

/**
 * Grants a route request when its token, authenticated for this very route, holds the route's
 * scopes and satisfies its claim rules. A denial carries its {@link Reason} (and the step-up scopes)
 * to {@link RejectionResponder}.
 */
final class RouteAuthorizationManager implements AuthorizationManager<RequestAuthorizationContext> {

	private static final AuthorizationDecision NOT_AUTHENTICATED = new AuthorizationDecision(false);

	private final GatehouseMeters meters;

	RouteAuthorizationManager(GatehouseMeters meters) {
		this.meters = meters;
	}

	@Override
	public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
			RequestAuthorizationContext context) {
		Route route = RequestRoute.of(context.getRequest());
		if (route == null || !(authentication.get() instanceof GatehouseAuthentication auth)
				|| !auth.routeId().equals(route.id())) {
			return NOT_AUTHENTICATED;
		}
		Reason reason = route.policy().checkAccess(auth.token());
		if (reason == null) {
			this.meters.allowed(route.id());
			return new AuthorizationDecision(true);
		}
		Set<String> scopes = (reason == Reason.INSUFFICIENT_SCOPE) ? route.policy().stepUpScopes(auth.token()) : Set.of();
		return new Denial(reason, scopes);
	}

	/** A refusal with its reason and, for {@code insufficient_scope}, the scopes to ask for. */
	static final class Denial extends AuthorizationDecision {

		private final Reason reason;

		private final Set<String> stepUpScopes;

		Denial(Reason reason, Set<String> stepUpScopes) {
			super(false);
			this.reason = reason;
			this.stepUpScopes = stepUpScopes;
		}

		Reason reason() {
			return this.reason;
		}

		Set<String> stepUpScopes() {
			return this.stepUpScopes;
		}

	}

}
