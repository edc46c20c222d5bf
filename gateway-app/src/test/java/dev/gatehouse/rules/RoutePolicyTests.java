package dev.gatehouse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;

import dev.gatehouse.refusal.Reason;
import dev.gatehouse.token.VerifiedToken;

class RoutePolicyTests {

	private static final String RESOURCE = "https://mcp.example.com/mcp/jira";

	@Test
	void checkBindingWhenAnyAllowedAudiencePresentThenBound() {
		RoutePolicy policy = policy(Set.of(RESOURCE, "api://jira"), Set.of());
		assertThat(policy.checkBinding(token(List.of("https://other.example.com", "api://jira"), null))).isNull();
	}

	@Test
	void checkBindingWhenNoAllowedAudiencePresentThenAudienceMismatch() {
		RoutePolicy policy = policy(Set.of(RESOURCE), Set.of());
		assertThat(policy.checkBinding(token(List.of("https://other.example.com"), null)))
			.isEqualTo(Reason.AUDIENCE_MISMATCH);
	}

	@Test
	void checkBindingWhenTokenHasNoAudienceThenAudienceMismatch() {
		assertThat(policy(Set.of(RESOURCE), Set.of()).checkBinding(token(List.of(), null)))
			.isEqualTo(Reason.AUDIENCE_MISMATCH);
	}

	@Test
	void checkBindingWhenAudienceDiffersByTrailingSlashOrCaseThenAudienceMismatch() {
		RoutePolicy policy = policy(Set.of(RESOURCE), Set.of());
		assertThat(policy.checkBinding(token(List.of(RESOURCE + "/"), null))).isEqualTo(Reason.AUDIENCE_MISMATCH);
		assertThat(policy.checkBinding(token(List.of(RESOURCE.toUpperCase()), null))).isEqualTo(Reason.AUDIENCE_MISMATCH);
	}

	@Test
	void checkBindingWhenNoAudiencesConfiguredThenNoAudienceCheck() {
		RoutePolicy policy = policy(Set.of(), Set.of());
		assertThat(policy.checkBinding(token(List.of(), null))).isNull();
		assertThat(policy.checkBinding(token(List.of("https://anything.example.com"), null))).isNull();
	}

	@Test
	void checkBindingWhenClientAllowedThenBound() {
		assertThat(policy(Set.of(), Set.of("client-a", "client-b")).checkBinding(token(List.of(), "client-b"))).isNull();
	}

	@Test
	void checkBindingWhenClientNotAllowedThenClientNotAllowed() {
		RoutePolicy policy = policy(Set.of(), Set.of("client-a"));
		assertThat(policy.checkBinding(token(List.of(), "client-z"))).isEqualTo(Reason.CLIENT_NOT_ALLOWED);
		assertThat(policy.checkBinding(token(List.of(), "CLIENT-A"))).isEqualTo(Reason.CLIENT_NOT_ALLOWED);
	}

	@Test
	void checkBindingWhenClientsConfiguredAndTokenHasNoClientThenClientNotAllowed() {
		assertThat(policy(Set.of(), Set.of("client-a")).checkBinding(token(List.of(), null)))
			.isEqualTo(Reason.CLIENT_NOT_ALLOWED);
	}

	@Test
	void checkBindingWhenNoClientsConfiguredThenAnyClientOrNone() {
		RoutePolicy policy = policy(Set.of(), Set.of());
		assertThat(policy.checkBinding(token(List.of(), "whoever"))).isNull();
		assertThat(policy.checkBinding(token(List.of(), null))).isNull();
	}

	@Test
	void checkBindingWhenAudienceAndClientWrongThenAudienceMismatchFirst() {
		assertThat(policy(Set.of(RESOURCE), Set.of("client-a")).checkBinding(token(List.of("x"), "client-z")))
			.isEqualTo(Reason.AUDIENCE_MISMATCH);
	}

	@Test
	void checkAccessWhenOneAllowedScopeGrantedThenAllowed() {
		RoutePolicy policy = scopes(Set.of("jira:read", "jira:write"), Set.of());
		assertThat(policy.checkAccess(token(Set.of("jira:write", "other")))).isNull();
	}

	@Test
	void checkAccessWhenNoAllowedScopeGrantedThenInsufficientScope() {
		RoutePolicy policy = scopes(Set.of("jira:read", "jira:write"), Set.of());
		assertThat(policy.checkAccess(token(Set.of("other")))).isEqualTo(Reason.INSUFFICIENT_SCOPE);
		assertThat(policy.checkAccess(token(Set.of("JIRA:READ")))).isEqualTo(Reason.INSUFFICIENT_SCOPE);
		assertThat(policy.checkAccess(token(Set.of()))).isEqualTo(Reason.INSUFFICIENT_SCOPE);
	}

	@Test
	void checkAccessWhenNoScopesConfiguredThenNoScopeCheck() {
		assertThat(scopes(Set.of(), Set.of()).checkAccess(token(Set.of()))).isNull();
	}

	@Test
	void checkAccessWhenAllRequiredScopesGrantedThenAllowed() {
		assertThat(scopes(Set.of(), Set.of("a", "b")).checkAccess(token(Set.of("a", "b", "c")))).isNull();
	}

	@Test
	void checkAccessWhenOneRequiredScopeMissingThenInsufficientScope() {
		assertThat(scopes(Set.of(), Set.of("a", "b")).checkAccess(token(Set.of("a")))).isEqualTo(Reason.INSUFFICIENT_SCOPE);
	}

	@Test
	void checkAccessWhenRequiredGrantedButNoAllowedThenInsufficientScope() {
		assertThat(scopes(Set.of("x", "y"), Set.of("a")).checkAccess(token(Set.of("a"))))
			.isEqualTo(Reason.INSUFFICIENT_SCOPE);
	}

	@Test
	void checkAccessWhenEveryClaimRuleHoldsThenAllowed() {
		assertThat(claimPolicy().checkAccess(token(Set.of(), "eng", List.of("admins")))).isNull();
	}

	@Test
	void checkAccessWhenOneClaimRuleFailsThenClaimRuleFailed() {
		assertThat(claimPolicy().checkAccess(token(Set.of(), "eng", List.of("users")))).isEqualTo(Reason.CLAIM_RULE_FAILED);
		assertThat(claimPolicy().checkAccess(token(Set.of(), "sales", List.of("admins"))))
			.isEqualTo(Reason.CLAIM_RULE_FAILED);
	}

	@Test
	void checkAccessWhenScopeAndClaimRuleFailThenInsufficientScopeFirst() {
		RoutePolicy policy = new RoutePolicy(Set.of(), Set.of(), Set.of("jira:read"), Set.of(),
				List.of(new ClaimRule.EqualsRule("dept", "eng")));
		assertThat(policy.checkAccess(token(Set.of(), "sales", List.of()))).isEqualTo(Reason.INSUFFICIENT_SCOPE);
	}

	@Test
	void stepUpScopesWhenNoAllowedScopeGrantedThenRequiredAndAllAllowedSorted() {
		RoutePolicy policy = scopes(Set.of("jira:write", "jira:read"), Set.of("jira:base"));
		assertThat(policy.stepUpScopes(token(Set.of()))).containsExactly("jira:base", "jira:read", "jira:write");
	}

	@Test
	void stepUpScopesWhenAnAllowedScopeGrantedThenRequiredAndGrantedAllowedOnly() {
		RoutePolicy policy = scopes(Set.of("jira:write", "jira:read", "jira:admin"), Set.of("jira:base"));
		assertThat(policy.stepUpScopes(token(Set.of("jira:write", "jira:read"))))
			.containsExactly("jira:base", "jira:read", "jira:write");
	}

	@Test
	void stepUpScopesWhenNoScopesConfiguredThenEmpty() {
		assertThat(scopes(Set.of(), Set.of()).stepUpScopes(token(Set.of("a")))).isEmpty();
	}

	@Test
	void stepUpScopesWhenSeveralRequiredScopesThenSortedLikeScopesSupported() {
		Set<String> required = Set.copyOf(IntStream.range(0, 12).mapToObj((i) -> "scope:" + (char) ('a' + i)).toList());
		RoutePolicy policy = scopes(Set.of(), required);
		assertThat(policy.stepUpScopes(token(Set.of()))).containsExactlyElementsOf(policy.scopesSupported());
	}

	@Test
	void scopesSupportedWhenRequiredAndAllowedThenRequiredSortedThenAllowedSortedWithoutDuplicates() {
		RoutePolicy policy = scopes(Set.of("d", "a", "c"), Set.of("b", "a"));
		assertThat(policy.scopesSupported()).containsExactly("a", "b", "c", "d");
		assertThat(scopes(Set.of("z", "y"), Set.of("x")).scopesSupported()).containsExactly("x", "y", "z");
	}

	@Test
	void scopesSupportedWhenNoScopesThenEmpty() {
		assertThat(scopes(Set.of(), Set.of()).scopesSupported()).isEmpty();
	}

	private static RoutePolicy policy(Set<String> audiences, Set<String> clients) {
		return new RoutePolicy(audiences, clients, Set.of(), Set.of(), List.of());
	}

	private static RoutePolicy scopes(Set<String> allowed, Set<String> required) {
		return new RoutePolicy(Set.of(), Set.of(), allowed, required, List.of());
	}

	private static RoutePolicy claimPolicy() {
		return new RoutePolicy(Set.of(), Set.of(), Set.of(), Set.of(), List.of(new ClaimRule.EqualsRule("dept", "eng"),
				new ClaimRule.ContainsAnyRule("groups", Set.of("admins", "owners"))));
	}

	private static VerifiedToken token(List<String> audiences, String clientId) {
		var claims = new JWTClaimsSet.Builder().subject("alice").audience(audiences).claim("client_id", clientId).build();
		return new VerifiedToken("corp", "alice", clientId, Set.of(), audiences, claims);
	}

	private static VerifiedToken token(Set<String> scopes) {
		var claims = new JWTClaimsSet.Builder().subject("alice").claim("scope", String.join(" ", scopes)).build();
		return new VerifiedToken("corp", "alice", "client-a", scopes, List.of(), claims);
	}

	private static VerifiedToken token(Set<String> scopes, String dept, List<String> groups) {
		var claims = new JWTClaimsSet.Builder().subject("alice").claim("dept", dept).claim("groups", groups).build();
		return new VerifiedToken("corp", "alice", "client-a", scopes, List.of(), claims);
	}

}
