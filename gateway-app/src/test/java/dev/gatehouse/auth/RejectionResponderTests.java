package dev.gatehouse.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.InsufficientAuthenticationException;

import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.TokenRejectedException;
import dev.gatehouse.routing.RequestRoute;
import dev.gatehouse.routing.Route;
import dev.gatehouse.routing.RouteTable;
import dev.gatehouse.routing.Upstreams;
import dev.gatehouse.rules.RoutePolicy;

class RejectionResponderTests {

	private static final String RESOURCE = "https://mcp.example.com/mcp/jira";

	private static final String METADATA = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp/jira";

	private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZQ";

	private static final Route ROUTE = route(Set.of("jira:write", "jira:read"));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final RejectionResponder responder = new RejectionResponder(new GatehouseMeters(this.registry));

	@Test
	void challengeWhenNoTokenThenResourceMetadataAndScopeWithoutError() {
		assertThat(RejectionResponder.challenge(Reason.TOKEN_MISSING, ROUTE, Set.of()))
			.isEqualTo("Bearer resource_metadata=\"" + METADATA + "\", scope=\"jira:read jira:write\"");
	}

	@Test
	void challengeWhenInvalidTokenThenErrorResourceMetadataAndScope() {
		assertThat(RejectionResponder.challenge(Reason.TOKEN_EXPIRED, ROUTE, Set.of()))
			.isEqualTo("Bearer error=\"invalid_token\", error_description=\"The token has expired\", resource_metadata=\""
					+ METADATA + "\", scope=\"jira:read jira:write\"");
	}

	@Test
	void challengeWhenInsufficientScopeThenStepUpScopes() {
		Set<String> stepUp = new LinkedHashSet<>(List.of("jira:admin", "jira:write"));
		assertThat(RejectionResponder.challenge(Reason.INSUFFICIENT_SCOPE, ROUTE, stepUp))
			.isEqualTo("Bearer error=\"insufficient_scope\", error_description=\"The token lacks a scope this resource "
					+ "requires\", resource_metadata=\"" + METADATA + "\", scope=\"jira:admin jira:write\"");
	}

	@ParameterizedTest
	@EnumSource(names = { "TOKEN_IN_QUERY", "MULTIPLE_AUTHORIZATION_HEADERS", "MALFORMED_AUTHORIZATION_HEADER" })
	void challengeWhenInvalidRequestThenNoResourceMetadataNorScope(Reason reason) {
		assertThat(RejectionResponder.challenge(reason, ROUTE, Set.of()))
			.isEqualTo("Bearer error=\"invalid_request\", error_description=\"" + reason.description() + "\"");
	}

	@Test
	void challengeWhenRouteHasNoScopesThenNoScopeParameter() {
		Route unscoped = route(Set.of());
		assertThat(RejectionResponder.challenge(Reason.TOKEN_MISSING, unscoped, Set.of()))
			.isEqualTo("Bearer resource_metadata=\"" + METADATA + "\"");
		assertThat(RejectionResponder.challenge(Reason.AUDIENCE_MISMATCH, unscoped, Set.of()))
			.isEqualTo("Bearer error=\"invalid_token\", error_description=\"" + Reason.AUDIENCE_MISMATCH.description()
					+ "\", resource_metadata=\"" + METADATA + "\"");
	}

	@Test
	void challengeWhenNoRouteThenBareBearer() {
		assertThat(RejectionResponder.challenge(Reason.TOKEN_MISSING, null, Set.of())).isEqualTo("Bearer");
	}

	@ParameterizedTest
	@CsvSource({ "TOKEN_MISSING, 401, true", "TOKEN_IN_QUERY, 400, true", "MULTIPLE_AUTHORIZATION_HEADERS, 400, true",
			"MALFORMED_AUTHORIZATION_HEADER, 400, true", "MALFORMED_TOKEN, 401, true", "ALGORITHM_NOT_ALLOWED, 401, true",
			"TOKEN_TYPE_NOT_ALLOWED, 401, true", "ISSUER_NOT_ALLOWED, 401, true", "UNKNOWN_KEY, 401, true",
			"INVALID_SIGNATURE, 401, true", "EXPIRY_MISSING, 401, true", "TOKEN_EXPIRED, 401, true",
			"TOKEN_NOT_YET_VALID, 401, true", "AUDIENCE_MISMATCH, 401, true", "CLIENT_NOT_ALLOWED, 401, true",
			"INSUFFICIENT_SCOPE, 403, true", "CLAIM_RULE_FAILED, 403, false", "ORIGIN_NOT_ALLOWED, 403, false",
			"SESSION_NOT_FOUND, 404, false", "NO_ROUTE, 404, false", "KEYS_UNAVAILABLE, 503, false" })
	void rejectWhenReasonThenStatusAndChallengePerDesignTable(Reason reason, int status, boolean challenged)
			throws Exception {
		MockHttpServletResponse response = reject(reason, Set.of("jira:write"));
		assertThat(response.getStatus()).isEqualTo(status);
		assertThat(response.containsHeader(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo(challenged);
		if (challenged) {
			assertThat(response.getHeader(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
		}
	}

	@Test
	void reasonsWhenCountedThenEachHasARowInTheStatusTable() {
		assertThat(EnumSet.allOf(Reason.class)).hasSize(22);
	}

	@Test
	void rejectWhenKeysUnavailableThenRetryAfter() throws Exception {
		assertThat(reject(Reason.KEYS_UNAVAILABLE, Set.of()).getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("10");
	}

	@ParameterizedTest
	@EnumSource(mode = EnumSource.Mode.EXCLUDE, names = "KEYS_UNAVAILABLE")
	void rejectWhenClientFaultThenNoRetryAfter(Reason reason) throws Exception {
		assertThat(reject(reason, Set.of()).containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
	}

	@Test
	void rejectWhenInsufficientScopeThenChallengeCarriesStepUpScopes() throws Exception {
		assertThat(reject(Reason.INSUFFICIENT_SCOPE, Set.of("jira:admin")).getHeader(HttpHeaders.WWW_AUTHENTICATE))
			.isEqualTo(RejectionResponder.challenge(Reason.INSUFFICIENT_SCOPE, ROUTE, Set.of("jira:admin")))
			.endsWith("scope=\"jira:admin\"");
	}

	@ParameterizedTest
	@EnumSource(Reason.class)
	void rejectWhenReasonThenJsonBodyWithStableReasonCode(Reason reason) throws Exception {
		MockHttpServletResponse response = reject(reason, Set.of());
		assertThat(response.getContentType()).startsWith("application/json");
		assertThat(response.getHeader(HttpHeaders.CACHE_CONTROL)).isEqualTo("no-store");
		Map<?, ?> body = JsonMapper.builder().build().readValue(response.getContentAsByteArray(), Map.class);
		assertThat(body.get("reason")).isEqualTo(reason.code());
		assertThat(body.get("error_description")).isEqualTo(reason.description());
		String expectedError = switch (reason) {
			case TOKEN_MISSING -> "unauthorized";
			case CLAIM_RULE_FAILED, ORIGIN_NOT_ALLOWED -> "access_denied";
			case NO_ROUTE, SESSION_NOT_FOUND -> "not_found";
			case HOST_NOT_ALLOWED -> "misdirected_request";
			case KEYS_UNAVAILABLE -> "temporarily_unavailable";
			default -> reason.errorCode();
		};
		assertThat(body.get("error")).isNotNull().isEqualTo(expectedError);
		assertThat(response.getContentLength()).isEqualTo(response.getContentAsByteArray().length);
	}

	@Test
	void rejectWhenTokenExpiredThenBodyReasonTokenExpired() throws Exception {
		assertThat(reject(Reason.TOKEN_EXPIRED, Set.of()).getContentAsString()).isEqualTo(
				"{\"error\":\"invalid_token\",\"reason\":\"token_expired\",\"error_description\":\"The token has expired\"}");
	}

	@ParameterizedTest
	@EnumSource(Reason.class)
	void rejectWhenRequestCarriesTokenThenResponseNeverContainsIt(Reason reason) throws Exception {
		MockHttpServletResponse response = reject(reason, Set.of("jira:read"));
		assertThat(response.getContentAsString()).doesNotContain(TOKEN).doesNotContain("eyJ");
		for (String name : response.getHeaderNames()) {
			assertThat(response.getHeaders(name)).noneMatch((value) -> value.contains(TOKEN));
		}
	}

	@Test
	void rejectWhenRejectedThenDecisionMeterCountsRouteAndReason() throws Exception {
		reject(Reason.AUDIENCE_MISMATCH, Set.of());
		assertThat(this.registry.get("gatehouse.auth.decisions")
			.tags("route", "jira", "outcome", "rejected", "reason", "audience_mismatch")
			.counter()
			.count()).isEqualTo(1.0);
	}

	@Test
	void rejectWhenResponseCommittedThenNothingWritten() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		response.setCommitted(true);
		this.responder.reject(routedRequest(), response, Reason.TOKEN_EXPIRED, Set.of());
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.containsHeader(HttpHeaders.WWW_AUTHENTICATE)).isFalse();
		assertThat(response.getContentAsByteArray()).isEmpty();
	}

	@Test
	void commenceWhenTokenRejectedThenItsReason() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.responder.commence(routedRequest(), response, new TokenRejectedException(Reason.TOKEN_IN_QUERY));
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(response.getHeader(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer error=\"invalid_request\"");
	}

	@Test
	void commenceWhenOtherAuthenticationExceptionThenTokenMissingChallenge() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.responder.commence(routedRequest(), response, new InsufficientAuthenticationException("no token"));
		assertThat(response.getStatus()).isEqualTo(401);
		assertThat(response.getHeader(HttpHeaders.WWW_AUTHENTICATE))
			.isEqualTo(RejectionResponder.challenge(Reason.TOKEN_MISSING, ROUTE, Set.of()));
		assertThat(response.getContentAsString()).doesNotContain("no token");
	}

	private MockHttpServletResponse reject(Reason reason, Set<String> stepUpScopes) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.responder.reject(routedRequest(), response, reason, stepUpScopes);
		return response;
	}

	/** A request carrying a token in every place, after route resolution has attached {@link #ROUTE}. */
	private MockHttpServletRequest routedRequest() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/mcp/jira");
		request.addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN);
		request.setQueryString("access_token=" + TOKEN);
		request.addParameter("access_token", TOKEN);
		MockFilterChain chain = new MockFilterChain();
		new RouteResolutionFilter(() -> new RouteTable(List.of(ROUTE), null), this.responder).doFilter(request,
				new MockHttpServletResponse(), chain);
		assertThat(RequestRoute.of((MockHttpServletRequest) chain.getRequest())).isSameAs(ROUTE);
		return request;
	}

	private static Route route(Set<String> allowedScopes) {
		RoutePolicy policy = new RoutePolicy(Set.of(RESOURCE), Set.of(), allowedScopes, Set.of(), List.of());
		return new Route("jira", "/mcp/jira", Upstreams.of(URI.create("http://jira-mcp.tools.svc:8080/mcp")), RESOURCE, METADATA,
				List.of(), policy, null);
	}

}
