package dev.gatehouse.rules;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.gatehouse.refusal.Reason;
import dev.gatehouse.token.VerifiedToken;

/**
 * What a route demands of a verified token, compiled once from its configuration. Binding checks
 * (audience, client) decide whether the token was issued for this route at all (401); access checks
 * (scopes, claim rules) decide whether it grants enough (403).
 *
 * @param audiences allowed {@code aud} values, any one suffices; empty means no audience check
 * @param clients allowed client ids; empty means any client
 * @param allowedScopes at least one must be granted; empty means no check
 * @param requiredScopes all must be granted
 * @param claimRules all must hold
 */
public record RoutePolicy(Set<String> audiences, Set<String> clients, Set<String> allowedScopes,
		Set<String> requiredScopes, List<ClaimRule> claimRules) {

	public RoutePolicy {
		audiences = Set.copyOf(audiences);
		clients = Set.copyOf(clients);
		allowedScopes = Set.copyOf(allowedScopes);
		requiredScopes = Set.copyOf(requiredScopes);
		claimRules = List.copyOf(claimRules);
	}

	/** @return the reason the token is not bound to this route, or {@code null} */
	public Reason checkBinding(VerifiedToken token) {
		if (!this.audiences.isEmpty() && token.audiences().stream().noneMatch(this.audiences::contains)) {
			return Reason.AUDIENCE_MISMATCH;
		}
		if (!this.clients.isEmpty() && (token.clientId() == null || !this.clients.contains(token.clientId()))) {
			return Reason.CLIENT_NOT_ALLOWED;
		}
		return null;
	}

	/** @return the reason the token does not grant access, or {@code null} */
	public Reason checkAccess(VerifiedToken token) {
		Set<String> granted = token.scopes();
		if (!granted.containsAll(this.requiredScopes)
				|| (!this.allowedScopes.isEmpty() && this.allowedScopes.stream().noneMatch(granted::contains))) {
			return Reason.INSUFFICIENT_SCOPE;
		}
		for (ClaimRule rule : this.claimRules) {
			if (!rule.test(token.claim(rule.claim()))) {
				return Reason.CLAIM_RULE_FAILED;
			}
		}
		return null;
	}

	/**
	 * The scopes to ask for after {@link Reason#INSUFFICIENT_SCOPE}: all required scopes, plus the
	 * allowed scopes already granted, or all allowed scopes when none is (MCP step-up: the needed
	 * scopes and the relevant ones already held).
	 */
	public Set<String> stepUpScopes(VerifiedToken token) {
		Set<String> scopes = new LinkedHashSet<>(this.requiredScopes.stream().sorted().toList());
		List<String> grantedAllowed = this.allowedScopes.stream().filter(token.scopes()::contains).sorted().toList();
		scopes.addAll(grantedAllowed.isEmpty() ? this.allowedScopes.stream().sorted().toList() : grantedAllowed);
		return scopes;
	}

	/** Every scope this route knows of, for {@code scopes_supported} and the 401 challenge. */
	public Set<String> scopesSupported() {
		Set<String> scopes = new LinkedHashSet<>(this.requiredScopes.stream().sorted().toList());
		scopes.addAll(this.allowedScopes.stream().sorted().toList());
		return scopes;
	}

}
