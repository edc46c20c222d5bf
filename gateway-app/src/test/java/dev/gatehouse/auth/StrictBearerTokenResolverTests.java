package dev.gatehouse.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.TokenRejectedException;

class StrictBearerTokenResolverTests {

	private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl-_~+/==";

	private final StrictBearerTokenResolver resolver = new StrictBearerTokenResolver();

	@Test
	void resolveWhenBearerHeaderThenToken() {
		assertThat(this.resolver.resolve(request("Bearer " + TOKEN))).isEqualTo(TOKEN);
	}

	@Test
	void resolveWhenLowercaseSchemeThenToken() {
		assertThat(this.resolver.resolve(request("bearer " + TOKEN))).isEqualTo(TOKEN);
		assertThat(this.resolver.resolve(request("BEARER " + TOKEN))).isEqualTo(TOKEN);
	}

	@Test
	void resolveWhenSeveralSpacesAfterSchemeThenToken() {
		assertThat(this.resolver.resolve(request("Bearer    " + TOKEN))).isEqualTo(TOKEN);
	}

	@Test
	void resolveWhenNoAuthorizationHeaderThenNull() {
		assertThat(this.resolver.resolve(new MockHttpServletRequest("POST", "/mcp/jira"))).isNull();
	}

	@Test
	void resolveWhenOtherSchemeThenNull() {
		assertThat(this.resolver.resolve(request("Basic xyz"))).isNull();
		assertThat(this.resolver.resolve(request("BearerX " + TOKEN))).isNull();
	}

	@Test
	void resolveWhenDpopSchemeThenTokenMissingBeforeSpringSecuritysDpopFilterSeesIt() {
		assertRejected(request("DPoP " + TOKEN), Reason.TOKEN_MISSING);
		assertRejected(request("dpop " + TOKEN), Reason.TOKEN_MISSING);
	}

	@Test
	void resolveWhenTwoAuthorizationHeadersThenMultipleAuthorizationHeaders() {
		MockHttpServletRequest request = request("Bearer " + TOKEN);
		request.addHeader(HttpHeaders.AUTHORIZATION, "Bearer other");
		assertRejected(request, Reason.MULTIPLE_AUTHORIZATION_HEADERS);
	}

	@Test
	void resolveWhenBearerAndBasicHeadersThenMultipleAuthorizationHeaders() {
		MockHttpServletRequest request = request("Basic xyz");
		request.addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN);
		assertRejected(request, Reason.MULTIPLE_AUTHORIZATION_HEADERS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "access_token=abc", "a=1&access_token=abc", "access_token", "%61ccess_token=abc",
			"access%5Ftoken=abc" })
	void resolveWhenAccessTokenInQueryThenTokenInQuery(String query) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/mcp/jira");
		request.setQueryString(query);
		assertRejected(request, Reason.TOKEN_IN_QUERY);
	}

	@Test
	void resolveWhenAccessTokenInQueryAndValidHeaderThenTokenInQuery() {
		MockHttpServletRequest request = request("Bearer " + TOKEN);
		request.setQueryString("access_token=" + TOKEN);
		assertRejected(request, Reason.TOKEN_IN_QUERY);
	}

	@Test
	void resolveWhenQueryMentionsAccessTokenOnlyAsValueOrLongerNameThenToken() {
		MockHttpServletRequest request = request("Bearer " + TOKEN);
		request.setQueryString("next=access_token&access_token_hint=1&my_access_token=2");
		assertThat(this.resolver.resolve(request)).isEqualTo(TOKEN);
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8" })
	void resolveWhenAccessTokenInFormBodyThenTokenInQuery(String contentType) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/mcp/jira");
		request.setContentType(contentType);
		request.setContent("access_token=abc".getBytes(StandardCharsets.US_ASCII));
		request.addParameter("access_token", "abc");
		assertRejected(request, Reason.TOKEN_IN_QUERY);
	}

	@Test
	void resolveWhenJsonBodyThenParametersNotConsulted() {
		MockHttpServletRequest request = request("Bearer " + TOKEN);
		request.setContentType("application/json");
		request.addParameter("access_token", "abc");
		assertThat(this.resolver.resolve(request)).isEqualTo(TOKEN);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Bearer", "Bearer ", "Bearer a b", "Bearer abc,def", "Bearer \"abc\"", "Bearer abc ",
			"Bearer =abc", "Bearer abc=d" })
	void resolveWhenBearerCredentialNotOneB64TokenThenMalformedAuthorizationHeader(String header) {
		assertRejected(request(header), Reason.MALFORMED_AUTHORIZATION_HEADER);
	}

	@Test
	void resolveWhenQueryHasInvalidPercentEscapeThenNoServerError() {
		for (String query : new String[] { "%zz=1", "%", "a=1&%E" }) {
			MockHttpServletRequest request = request("Bearer " + TOKEN);
			request.setQueryString(query);
			Throwable thrown = catchThrowable(() -> this.resolver.resolve(request));
			assertThat(thrown).as(query).satisfiesAnyOf((ex) -> assertThat(ex).isNull(),
					(ex) -> assertThat(ex).isInstanceOf(TokenRejectedException.class));
		}
	}

	private static MockHttpServletRequest request(String authorization) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/mcp/jira");
		request.addHeader(HttpHeaders.AUTHORIZATION, authorization);
		return request;
	}

	private void assertRejected(MockHttpServletRequest request, Reason reason) {
		assertThatExceptionOfType(TokenRejectedException.class).isThrownBy(() -> this.resolver.resolve(request))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(reason));
	}

}
