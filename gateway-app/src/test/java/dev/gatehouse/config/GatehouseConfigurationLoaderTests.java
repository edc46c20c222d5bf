package dev.gatehouse.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Binding and validation of the {@code gatehouse} section: every problem is reported, each under
 * the property path a person would fix.
 */
class GatehouseConfigurationLoaderTests {

	private static final String HEADER = """
			gatehouse:
			  public-url: https://mcp.example.com
			""";

	private static final String ISSUERS = """
			  issuers:
			    corp:
			      discovery-url: https://idp.example.com/.well-known/openid-configuration
			""";

	private static final String JIRA = """
			  routes:
			    jira:
			      path: /mcp/jira
			      upstream: http://jira-mcp.tools.svc:8080/mcp
			      issuers: [corp]
			""";

	// bound and validated

	@Test
	void loadWhenMinimalConfigurationThenDefaultsApplied() {
		GatehouseProperties properties = load(HEADER, ISSUERS, JIRA);
		assertThat(properties.publicUrl()).hasToString("https://mcp.example.com");
		assertThat(properties.allowedOrigins()).isEmpty();
		assertThat(properties.rootMetadataRoute()).isNull();
		IssuerProperties corp = properties.issuers().get("corp");
		assertThat(corp.algorithms()).containsExactly("RS256");
		assertThat(corp.clockSkew()).isEqualTo(Duration.ofSeconds(60));
		assertThat(corp.clientIdClaims()).containsExactly("client_id", "azp", "cid", "appid");
		assertThat(corp.scopeClaims()).containsExactly("scope", "scp");
		assertThat(corp.jwks().cacheTtl()).isEqualTo(Duration.ofMinutes(5));
		assertThat(corp.jwks().minRefreshInterval()).isEqualTo(Duration.ofSeconds(30));
		assertThat(corp.jwks().outageTolerance()).isEqualTo(Duration.ofHours(12));
		RouteProperties jira = properties.routes().get("jira");
		assertThat(jira.path()).isEqualTo("/mcp/jira");
		assertThat(jira.upstream()).hasToString("http://jira-mcp.tools.svc:8080/mcp");
		assertThat(jira.issuers()).containsExactly("corp");
		assertThat(jira.allowedClients()).isEmpty();
		assertThat(jira.allowedScopes()).isEmpty();
		assertThat(jira.requiredScopes()).isEmpty();
		assertThat(jira.claims()).isEmpty();
	}

	@Test
	void loadWhenAllowedAudiencesUnsetThenNullMeaningResource() {
		assertThat(load(HEADER, ISSUERS, JIRA).routes().get("jira").allowedAudiences()).isNull();
	}

	@Test
	void loadWhenAllowedAudiencesEmptyListThenEmptyMeaningNoCheck() {
		RouteProperties jira = load(HEADER, ISSUERS, JIRA, "      allowed-audiences: []",
				"      allowed-clients: [app-1]").routes().get("jira");
		assertThat(jira.allowedAudiences()).isNotNull().isEmpty();
	}

	@Test
	void loadWhenClaimRulesGivenThenEachOperatorBound() {
		RouteProperties jira = load(HEADER, ISSUERS, JIRA, """
				      claims:
				        - claim: tenant
				          equals: acme
				        - claim: roles
				          contains: jira.user
				        - claim: groups
				          contains-any: [eng, support]
				""").routes().get("jira");
		assertThat(jira.claims()).containsExactly(
				new RouteProperties.ClaimRuleProperties("tenant", "acme", null, null),
				new RouteProperties.ClaimRuleProperties("roles", null, "jira.user", null),
				new RouteProperties.ClaimRuleProperties("groups", null, null, List.of("eng", "support")));
	}

	@Test
	void loadWhenNoGatehouseSectionThenPublicUrlIssuersAndRoutesReported() {
		assertThat(properties(problems("other: 1"))).containsExactly("gatehouse.public-url", "gatehouse.issuers",
				"gatehouse.routes");
	}

	// unknown keys and unconvertible values

	@Test
	void loadWhenUnknownTopLevelKeyThenReportedByPath() {
		assertOnlyProblem(problems(HEADER, "  log-level: debug", ISSUERS, JIRA), "gatehouse.log-level", "unknown key");
	}

	@Test
	void loadWhenUnknownRouteKeyThenReportedByFullPath() {
		assertOnlyProblem(problems(HEADER, ISSUERS, JIRA, "      alowed-scopes: jira:read"),
				"gatehouse.routes.jira.alowed-scopes", "unknown key");
	}

	@Test
	void loadWhenUnknownRouteKeyHoldsListThenEachElementReportedByIndex() {
		assertThat(properties(problems(HEADER, ISSUERS, JIRA, "      alowed-scopes: [jira:read, jira:write]")))
			.containsExactly("gatehouse.routes.jira.alowed-scopes[0]", "gatehouse.routes.jira.alowed-scopes[1]");
	}

	@Test
	void loadWhenUnknownIssuerKeyThenReportedByFullPath() {
		assertOnlyProblem(problems(HEADER, ISSUERS, "      jwks-url: https://idp.example.com/keys", JIRA),
				"gatehouse.issuers.corp.jwks-url", "unknown key");
	}

	@Test
	void loadWhenUnknownClaimRuleKeyThenReportedWithListIndex() {
		List<ConfigurationProblem> problems = problems(HEADER, ISSUERS, JIRA, """
				      claims:
				        - claim: groups
				          contains-all: [eng]
				""");
		assertThat(properties(problems)).containsExactlyInAnyOrder("gatehouse.routes.jira.claims[0].contains-all[0]",
				"gatehouse.routes.jira.claims[0]");
	}

	@Test
	void loadWhenDurationUnconvertibleThenReportedWithoutEchoingValue() {
		List<ConfigurationProblem> problems = problems(HEADER, ISSUERS, "      clock-skew: soon-ish", JIRA);
		assertThat(problems).contains(
				new ConfigurationProblem("gatehouse.issuers.corp.clock-skew", "value is not a valid Duration"));
		assertThat(problems).extracting(ConfigurationProblem::message)
			.allSatisfy((message) -> assertThat(message).doesNotContain("soon-ish"));
	}

	@Test
	void loadWhenDurationUnconvertibleThenReportedOnceWithoutEchoingValue() {
		List<ConfigurationProblem> problems = problems(HEADER, ISSUERS, "      clock-skew: soon-ish", JIRA);
		assertOnlyProblem(problems, "gatehouse.issuers.corp.clock-skew", "not a valid Duration");
		assertThat(problems.get(0).message()).doesNotContain("soon-ish");
	}

	@Test
	void loadWhenUrlUnparseableThenReportedAsInvalidUri() {
		assertThat(problems("gatehouse:", "  public-url: 'http://[::1'", ISSUERS, JIRA))
			.contains(new ConfigurationProblem("gatehouse.public-url", "value is not a valid URI"));
	}

	@Test
	void loadWhenUrlUnparseableThenReportedOnlyAsInvalidUri() {
		assertOnlyProblem(problems("gatehouse:", "  public-url: 'http://[::1'", ISSUERS, JIRA),
				"gatehouse.public-url", "not a valid URI");
	}

	// public-url

	@Test
	void loadWhenPublicUrlMissingThenRequired() {
		assertOnlyProblem(problems("gatehouse:", ISSUERS, JIRA), "gatehouse.public-url", "is required");
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://mcp.example.com/gateway", "https://mcp.example.com?x=1",
			"https://mcp.example.com#top" })
	void loadWhenPublicUrlNotAnOriginThenRejected(String url) {
		assertOnlyProblem(problems("gatehouse:", "  public-url: '" + url + "'", ISSUERS, JIRA), "gatehouse.public-url",
				"must be an origin");
	}

	@ParameterizedTest
	@ValueSource(strings = { "mcp.example.com", "/mcp", "ftp://mcp.example.com", "https://user@mcp.example.com" })
	void loadWhenPublicUrlNotHttpThenRejected(String url) {
		assertOnlyProblem(problems("gatehouse:", "  public-url: " + url, ISSUERS, JIRA), "gatehouse.public-url",
				"absolute http(s) URL");
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://mcp.example.com/", "https://mcp.example.com:8443", "http://localhost:8080" })
	void loadWhenPublicUrlIsOriginThenAccepted(String url) {
		assertThatNoException().isThrownBy(() -> load("gatehouse:", "  public-url: " + url, ISSUERS, JIRA));
	}

	// issuers

	@Test
	void loadWhenDiscoveryUrlNotWellKnownAndNoIssuerThenIssuerRequired() {
		assertOnlyProblem(problems(HEADER, """
				  issuers:
				    corp:
				      discovery-url: https://idp.example.com/metadata
				""", JIRA), "gatehouse.issuers.corp.issuer",
				"is required when discovery-url");
	}

	@Test
	void loadWhenDiscoveryUrlNotWellKnownButIssuerGivenThenAccepted() {
		assertThatNoException().isThrownBy(() -> load(HEADER, """
				  issuers:
				    corp:
				      discovery-url: https://idp.example.com/metadata
				      issuer: https://idp.example.com
				""", JIRA));
	}

	@Test
	void loadWhenDiscoveryUrlIsRfc8414WellKnownThenIssuerImplied() {
		assertThatNoException().isThrownBy(() -> load(HEADER, """
				  issuers:
				    corp:
				      discovery-url: https://idp.example.com/.well-known/oauth-authorization-server/tenant
				""", JIRA));
	}

	@Test
	void loadWhenDiscoveryUrlAndJwksUriBothGivenThenJwksUriRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, "      jwks-uri: https://idp.example.com/keys", JIRA),
				"gatehouse.issuers.corp.jwks-uri", "not both");
	}

	@Test
	void loadWhenIssuerAndJwksUriWithoutDiscoveryThenAccepted() {
		assertThatNoException().isThrownBy(() -> load(HEADER, """
				  issuers:
				    corp:
				      issuer: https://idp.example.com
				      jwks-uri: https://idp.example.com/keys
				""", JIRA));
	}

	@Test
	void loadWhenIssuerWithoutJwksUriOrDiscoveryThenIssuerRejected() {
		assertOnlyProblem(problems(HEADER, """
				  issuers:
				    corp:
				      issuer: https://idp.example.com
				""", JIRA), "gatehouse.issuers.corp",
				"needs discovery-url, or issuer together with jwks-uri");
	}

	@Test
	void loadWhenAlgorithmsNoneAndHs256ThenEachRejectedByIndex() {
		List<ConfigurationProblem> problems = problems(HEADER, ISSUERS, "      algorithms: [RS256, none, HS256]", JIRA);
		assertThat(properties(problems)).containsExactly("gatehouse.issuers.corp.algorithms[1]",
				"gatehouse.issuers.corp.algorithms[2]");
		assertThat(problems).extracting(ConfigurationProblem::message)
			.allSatisfy((message) -> assertThat(message).contains("is not allowed"));
	}

	@Test
	void loadWhenAlgorithmsEmptyThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, "      algorithms: []", JIRA), "gatehouse.issuers.corp.algorithms",
				"at least one algorithm");
	}

	@Test
	void loadWhenClockSkewOverFiveMinutesThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, "      clock-skew: 301s", JIRA), "gatehouse.issuers.corp.clock-skew",
				"between 0s and 5m");
	}

	@Test
	void loadWhenClockSkewExactlyFiveMinutesThenAccepted() {
		assertThat(load(HEADER, ISSUERS, "      clock-skew: 5m", JIRA).issuers().get("corp").clockSkew())
			.isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void loadWhenJwksMinRefreshNotBelowCacheTtlThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, """
				      jwks:
				        cache-ttl: 30s
				        min-refresh-interval: 30s
				""", JIRA), "gatehouse.issuers.corp.jwks.min-refresh-interval",
				"shorter than cache-ttl");
	}

	@Test
	void loadWhenIssuerNameUppercaseThenRejected() {
		List<ConfigurationProblem> problems = problems(HEADER, """
				  issuers:
				    Corp:
				      discovery-url: https://idp.example.com/.well-known/openid-configuration
				""", """
				  routes:
				    jira:
				      path: /mcp/jira
				      upstream: http://jira-mcp.tools.svc:8080/mcp
				      issuers: [Corp]
				""");
		assertOnlyProblem(problems, "gatehouse.issuers.Corp", "must be lowercase");
	}

	// routes

	@Test
	void loadWhenRouteNameUppercaseThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, """
				  routes:
				    Jira:
				      path: /mcp/jira
				      upstream: http://jira-mcp.tools.svc:8080/mcp
				      issuers: [corp]
				"""), "gatehouse.routes.Jira", "must be lowercase");
	}

	@Test
	void loadWhenRouteNamesUnknownIssuerThenReportedWithIndexAndKnownIssuers() {
		List<ConfigurationProblem> problems = problems(HEADER, ISSUERS, """
				  routes:
				    jira:
				      path: /mcp/jira
				      upstream: http://jira-mcp.tools.svc:8080/mcp
				      issuers: [corp, crop]
				""");
		assertOnlyProblem(problems, "gatehouse.routes.jira.issuers[1]", "unknown issuer 'crop'");
		assertThat(problems.get(0).message()).contains("[corp]");
	}

	@Test
	void loadWhenRouteHasNoIssuersThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, """
				  routes:
				    jira:
				      path: /mcp/jira
				      upstream: http://jira-mcp.tools.svc:8080/mcp
				"""), "gatehouse.routes.jira.issuers",
				"at least one issuer");
	}

	@Test
	void loadWhenTwoRoutesShareAPathThenSecondReportedAsDuplicate() {
		List<ConfigurationProblem> problems = problems(HEADER, ISSUERS, JIRA, """
				    jira2:
				      path: /mcp/jira
				      upstream: http://jira-mcp-2.tools.svc:8080/mcp
				      issuers: [corp]
				""");
		assertOnlyProblem(problems, "gatehouse.routes.jira2.path", "duplicates gatehouse.routes.jira.path");
	}

	@Test
	void loadWhenRoutePathBelowAnotherThenOverlapReported() {
		List<ConfigurationProblem> problems = problems(HEADER, ISSUERS, """
				  routes:
				    all:
				      path: /mcp
				      upstream: http://all-mcp.tools.svc:8080/mcp
				      issuers: [corp]
				    jira:
				      path: /mcp/jira
				      upstream: http://jira-mcp.tools.svc:8080/mcp
				      issuers: [corp]
				""");
		assertOnlyProblem(problems, "gatehouse.routes.jira.path", "overlaps gatehouse.routes.all.path");
	}

	@Test
	void loadWhenRoutePathAboveAnotherThenOverlapReported() {
		List<ConfigurationProblem> problems = problems(HEADER, ISSUERS, JIRA, """
				    all:
				      path: /mcp
				      upstream: http://all-mcp.tools.svc:8080/mcp
				      issuers: [corp]
				""");
		assertOnlyProblem(problems, "gatehouse.routes.all.path", "overlaps gatehouse.routes.jira.path");
	}

	@Test
	void loadWhenRoutePathsShareOnlyAStringPrefixThenAccepted() {
		assertThat(load(HEADER, ISSUERS, JIRA, """
				    jira2:
				      path: /mcp/jira2
				      upstream: http://jira-mcp-2.tools.svc:8080/mcp
				      issuers: [corp]
				""").routes()).containsOnlyKeys("jira", "jira2");
	}

	@ParameterizedTest
	@ValueSource(strings = { "mcp/jira", "/mcp/jira/", "/mcp//jira", "/mcp/../admin", "/.well-known/mcp", "/mcp/j ira" })
	void loadWhenRoutePathNotPlainAbsoluteThenRejected(String path) {
		assertOnlyProblem(problems(HEADER, ISSUERS, """
				  routes:
				    jira:
				      path: '%s'
				      upstream: http://jira-mcp.tools.svc:8080/mcp
				      issuers: [corp]
				""".formatted(path)), "gatehouse.routes.jira.path", "must be an absolute path");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/mcp", "jira-mcp.tools.svc:8080/mcp", "ftp://jira-mcp.tools.svc/mcp",
			"http://user@jira-mcp.tools.svc:8080/mcp" })
	void loadWhenUpstreamNotAbsoluteHttpUrlThenRejected(String upstream) {
		assertOnlyProblem(problems(HEADER, ISSUERS, """
				  routes:
				    jira:
				      path: /mcp/jira
				      upstream: %s
				      issuers: [corp]
				""".formatted(upstream)), "gatehouse.routes.jira.upstream",
				"absolute http(s) URL");
	}

	@Test
	void loadWhenUpstreamHasQueryThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, """
				  routes:
				    jira:
				      path: /mcp/jira
				      upstream: http://jira-mcp.tools.svc:8080/mcp?debug=1
				      issuers: [corp]
				"""), "gatehouse.routes.jira.upstream", "query or fragment");
	}

	@Test
	void loadWhenUpstreamsListedThenInstancesBoundInOrder() {
		RouteProperties jira = load(HEADER, ISSUERS, """
				  routes:
				    jira:
				      path: /mcp/jira
				      upstreams: [http://jira-mcp-0.jira-mcp:8080/mcp, http://jira-mcp-1.jira-mcp:8080/mcp]
				      issuers: [corp]
				""").routes().get("jira");
		assertThat(jira.upstream()).isNull();
		assertThat(jira.upstreams()).extracting(Object::toString)
			.containsExactly("http://jira-mcp-0.jira-mcp:8080/mcp", "http://jira-mcp-1.jira-mcp:8080/mcp");
	}

	@Test
	void loadWhenUpstreamAndUpstreamsBothSetThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, JIRA, "      upstreams: [http://jira-mcp-1.jira-mcp:8080/mcp]"),
				"gatehouse.routes.jira.upstreams", "not both");
	}

	@Test
	void loadWhenNeitherUpstreamNorUpstreamsThenUpstreamRequired() {
		assertOnlyProblem(problems(HEADER, ISSUERS, """
				  routes:
				    jira:
				      path: /mcp/jira
				      issuers: [corp]
				"""), "gatehouse.routes.jira.upstream", "is required");
	}

	@Test
	void loadWhenUpstreamsInvalidOrDuplicatedThenEachReportedByIndex() {
		List<ConfigurationProblem> problems = problems(HEADER, ISSUERS, """
				  routes:
				    jira:
				      path: /mcp/jira
				      upstreams: [http://jira-mcp-0.jira-mcp:8080/mcp, /mcp, http://JIRA-mcp-0.jira-mcp:8080/mcp/, http://jira-mcp-1.jira-mcp:8080/mcp#x]
				      issuers: [corp]
				""");
		assertThat(properties(problems)).containsExactly("gatehouse.routes.jira.upstreams[1]",
				"gatehouse.routes.jira.upstreams[2]", "gatehouse.routes.jira.upstreams[3]");
		assertThat(problems.get(0).message()).contains("absolute http(s) URL");
		assertThat(problems.get(1).message()).contains("duplicates another instance");
		assertThat(problems.get(2).message()).contains("query or fragment");
	}

	@Test
	void loadWhenAudienceCheckOffAndNoClientOrClaimRuleThenRouteUnbound() {
		assertOnlyProblem(problems(HEADER, ISSUERS, JIRA, "      allowed-audiences: []",
				"      allowed-scopes: [jira:read]"), "gatehouse.routes.jira", "tokens would not be bound");
	}

	@Test
	void loadWhenAudienceCheckOffAndClientsGivenThenAccepted() {
		assertThatNoException().isThrownBy(() -> load(HEADER, ISSUERS, JIRA, "      allowed-audiences: []",
				"      allowed-clients: [app-1]"));
	}

	@Test
	void loadWhenAudienceCheckOffAndClaimRuleGivenThenAccepted() {
		assertThatNoException().isThrownBy(() -> load(HEADER, ISSUERS, JIRA, "      allowed-audiences: []", """
				      claims:
				        - claim: token_use
				          equals: access
				"""));
	}

	@Test
	void loadWhenAllowedAudienceBlankThenRejectedByIndex() {
		assertOnlyProblem(problems(HEADER, ISSUERS, JIRA, "      allowed-audiences: [api://jira, ' ']"),
				"gatehouse.routes.jira.allowed-audiences[1]", "must not be blank");
	}

	@Test
	void loadWhenScopeContainsSpaceThenRejectedByIndex() {
		assertOnlyProblem(problems(HEADER, ISSUERS, JIRA, "      allowed-scopes: [jira:read, 'jira write']"),
				"gatehouse.routes.jira.allowed-scopes[1]", "not a valid scope token");
	}

	@Test
	void loadWhenRequiredScopeContainsQuoteThenRejectedByIndex() {
		assertOnlyProblem(problems(HEADER, ISSUERS, JIRA, "      required-scopes: ['jira\"read']"),
				"gatehouse.routes.jira.required-scopes[0]", "not a valid scope token");
	}

	@Test
	void loadWhenClaimRuleHasTwoOperatorsThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, JIRA, """
				      claims:
				        - claim: groups
				          contains: eng
				          contains-any: [support]
				"""), "gatehouse.routes.jira.claims[0]", "exactly one of");
	}

	@Test
	void loadWhenClaimRuleHasNoOperatorThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, JIRA, """
				      claims:
				        - claim: groups
				        - claim: tenant
				          equals: acme
				"""), "gatehouse.routes.jira.claims[0]", "exactly one of");
	}

	@Test
	void loadWhenClaimRuleHasNoClaimNameThenRejected() {
		assertOnlyProblem(problems(HEADER, ISSUERS, JIRA, """
				      claims:
				        - equals: acme
				"""), "gatehouse.routes.jira.claims[0].claim", "is required");
	}

	@Test
	void loadWhenAllowedOriginHasPathThenRejectedByIndex() {
		assertOnlyProblem(
				problems(HEADER, "  allowed-origins: [https://app.example.com, https://app.example.com/]", ISSUERS, JIRA),
				"gatehouse.allowed-origins[1]", "must be an origin");
	}

	@Test
	void loadWhenAllowedHostsHaveSchemePathOrBadPortThenEachRejectedByIndex() {
		List<ConfigurationProblem> problems = problems(HEADER,
				"  allowed-hosts: [mcp.example.com, 'gatehouse.mcp.svc:8080', '*', '[::1]:8080', https://mcp.example.com, "
						+ "mcp.example.com/mcp, 'mcp.example.com:99999', 'user@mcp.example.com']",
				ISSUERS, JIRA);
		assertThat(properties(problems)).containsExactly("gatehouse.allowed-hosts[4]", "gatehouse.allowed-hosts[5]",
				"gatehouse.allowed-hosts[6]", "gatehouse.allowed-hosts[7]");
		assertThat(problems).allSatisfy((problem) -> assertThat(problem.message()).contains("host name or IP"));
	}

	@Test
	void loadWhenMaxRequestBodyIsZeroThenRejected() {
		assertOnlyProblem(problems(HEADER, "  upstream:\n    max-request-body: 0", ISSUERS, JIRA),
				"gatehouse.upstream.max-request-body", "must be a positive size");
	}

	@Test
	void loadWhenUpstreamLimitsOmittedThenDefaults() {
		GatehouseProperties properties = load(HEADER, ISSUERS, JIRA);
		assertThat(properties.upstream().maxRequestBody()).isEqualTo(DataSize.ofMegabytes(4));
		assertThat(properties.allowedHosts()).isEmpty();
	}

	@Test
	void loadWhenRootMetadataRouteUnknownThenRejected() {
		assertOnlyProblem(problems(HEADER, "  root-metadata-route: confluence", ISSUERS, JIRA),
				"gatehouse.root-metadata-route", "unknown route 'confluence'");
	}

	// reporting

	@Test
	void loadWhenSeveralProblemsThenAllReportedInOneException() {
		List<ConfigurationProblem> problems = problems("""
				gatehouse:
				  public-url: https://mcp.example.com/gateway
				  log-level: debug
				  issuers:
				    corp:
				      discovery-url: https://idp.example.com/.well-known/openid-configuration
				      jwks-uri: https://idp.example.com/keys
				      algorithms: [none]
				      clock-skew: 10m
				  routes:
				    jira:
				      path: /mcp/jira
				      upstream: /mcp
				      issuers: [crop]
				      allowed-audiences: []
				      alowed-scopes: jira:read
				    confluence:
				      path: /mcp/jira
				      upstream: http://confluence-mcp.tools.svc:8080/mcp
				      issuers: [corp]
				      required-scopes: ['a b']
				""");
		assertThat(properties(problems)).containsExactlyInAnyOrder("gatehouse.log-level",
				"gatehouse.routes.jira.alowed-scopes", "gatehouse.public-url", "gatehouse.issuers.corp.jwks-uri",
				"gatehouse.issuers.corp.algorithms[0]", "gatehouse.issuers.corp.clock-skew",
				"gatehouse.routes.jira.upstream", "gatehouse.routes.jira.issuers[0]", "gatehouse.routes.jira",
				"gatehouse.routes.confluence.path", "gatehouse.routes.confluence.required-scopes[0]");
	}

	@Test
	void messageWhenProblemsThenCountedAndOneIndentedLinePerProblem() {
		InvalidConfigurationException ex = catchThrowableOfType(InvalidConfigurationException.class,
				() -> load("gatehouse:", "  public-url: https://mcp.example.com/x", "  log-level: debug", ISSUERS, JIRA));
		assertThat(ex).isNotNull();
		assertThat(ex.problems()).hasSize(2);
		List<String> lines = ex.getMessage().lines().toList();
		assertThat(lines.get(0)).isEqualTo("Gatehouse configuration is invalid (2 problems):");
		assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder(
				"  - gatehouse.log-level: unknown key (check the spelling against the configuration reference)",
				"  - gatehouse.public-url: must be an origin (scheme, host, optional port) with no path, query or "
						+ "fragment");
	}

	@Test
	void messageWhenOneProblemThenSingular() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> load("gatehouse:", ISSUERS, JIRA))
			.withMessageStartingWith("Gatehouse configuration is invalid (1 problem):\n  - gatehouse.public-url: ");
	}

	@Test
	void failureAnalyzerWhenCauseIsInvalidConfigurationThenDescriptionListsProblemsAndActionSaysFix() {
		InvalidConfigurationException ex = catchThrowableOfType(InvalidConfigurationException.class,
				() -> load("gatehouse:", ISSUERS, JIRA));
		FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzer()
			.analyze(new IllegalStateException("context failed", ex));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).isEqualTo(ex.getMessage()).contains("  - gatehouse.public-url: ");
		assertThat(analysis.getAction()).contains("Fix the properties listed above");
		assertThat(analysis.getCause()).isSameAs(ex);
	}

	@Test
	void failureAnalyzerWhenOtherFailureThenNoAnalysis() {
		assertThat(new InvalidConfigurationFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	// other property sources

	@Test
	void loadWhenConfiguredByEnvironmentVariablesThenRelaxedBindingApplies() {
		StandardEnvironment environment = environment();
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
					Map.of("GATEHOUSE_PUBLICURL", "https://x.example.com", "GATEHOUSE_ISSUERS_CORP_DISCOVERYURL",
							"https://idp.example.com/.well-known/openid-configuration", "GATEHOUSE_ISSUERS_CORP_CLOCKSKEW",
							"30s", "GATEHOUSE_ROUTES_JIRA_PATH", "/mcp/jira", "GATEHOUSE_ROUTES_JIRA_UPSTREAM",
							"http://jira-mcp.tools.svc:8080/mcp", "GATEHOUSE_ROUTES_JIRA_ISSUERS_0_", "corp",
							"GATEHOUSE_ROUTES_JIRA_ALLOWEDSCOPES", "jira:read,jira:write")));
		GatehouseProperties properties = GatehouseConfigurationLoader.load(environment);
		assertThat(properties.publicUrl()).hasToString("https://x.example.com");
		assertThat(properties.issuers()).containsOnlyKeys("corp");
		assertThat(properties.issuers().get("corp").clockSkew()).isEqualTo(Duration.ofSeconds(30));
		RouteProperties jira = properties.routes().get("jira");
		assertThat(jira.path()).isEqualTo("/mcp/jira");
		assertThat(jira.issuers()).containsExactly("corp");
		assertThat(jira.allowedScopes()).containsExactly("jira:read", "jira:write");
		assertThat(jira.allowedAudiences()).isNull();
	}

	@Test
	void loadWhenEnvironmentVariableAndYamlThenEnvironmentVariableWins() {
		StandardEnvironment environment = environment(HEADER, ISSUERS, JIRA);
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
					Map.of("GATEHOUSE_PUBLICURL", "https://x.example.com")));
		assertThat(GatehouseConfigurationLoader.load(environment).publicUrl()).hasToString("https://x.example.com");
	}

	@Test
	void loadWhenEnvironmentVariableInvalidThenReportedByPropertyPath() {
		StandardEnvironment environment = environment(HEADER, ISSUERS, JIRA);
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
					Map.of("GATEHOUSE_ISSUERS_CORP_CLOCKSKEW", "10m")));
		assertOnlyProblem(catchThrowableOfType(InvalidConfigurationException.class,
				() -> GatehouseConfigurationLoader.load(environment)).problems(), "gatehouse.issuers.corp.clock-skew",
				"between 0s and 5m");
	}

	@Test
	void loadWhenKubernetesServiceLinkVariablesPresentThenNotReportedAsUnknownKeys() {
		StandardEnvironment environment = environment(HEADER, ISSUERS, JIRA);
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
					Map.of("GATEHOUSE_SERVICE_HOST", "10.96.0.12", "GATEHOUSE_SERVICE_PORT", "443", "GATEHOUSE_PORT",
							"tcp://10.96.0.12:443", "GATEHOUSE_PORT_443_TCP_ADDR", "10.96.0.12")));
		assertThatNoException().isThrownBy(() -> GatehouseConfigurationLoader.load(environment));
	}

	// helpers

	private static GatehouseProperties load(String... yaml) {
		return GatehouseConfigurationLoader.load(environment(yaml));
	}

	private static List<ConfigurationProblem> problems(String... yaml) {
		InvalidConfigurationException ex = catchThrowableOfType(InvalidConfigurationException.class, () -> load(yaml));
		assertThat(ex).as("expected the configuration to be rejected").isNotNull();
		return ex.problems();
	}

	private static List<String> properties(List<ConfigurationProblem> problems) {
		return problems.stream().map(ConfigurationProblem::property).toList();
	}

	private static void assertOnlyProblem(List<ConfigurationProblem> problems, String property, String messagePart) {
		assertThat(problems).singleElement().satisfies((problem) -> {
			assertThat(problem.property()).isEqualTo(property);
			assertThat(problem.message()).contains(messagePart);
		});
	}

	/** An environment holding only the given YAML lines: the build machine's variables stay out. */
	@Test
	void fixedAtBuildTimeWhenSpringAotAndTraceExportOnThenRefusedByPropertyPath() {
		StandardEnvironment environment = environment("management.tracing.export.enabled: true");
		assertOnlyProblem(GatehouseConfigurationLoader.fixedAtBuildTime(environment, true),
				"management.tracing.export.enabled", "Spring AOT");
		assertThat(GatehouseConfigurationLoader.fixedAtBuildTime(environment, false)).isEmpty();
		assertThat(GatehouseConfigurationLoader.fixedAtBuildTime(environment(), true)).isEmpty();
		assertThat(GatehouseConfigurationLoader.fixedAtBuildTime(environment("management.tracing.export.enabled: false"), true))
			.isEmpty();
	}

	private static StandardEnvironment environment(String... yaml) {
		StandardEnvironment environment = new StandardEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		sources.stream().map(PropertySource::getName).toList().forEach(sources::remove);
		if (yaml.length > 0) {
			ByteArrayResource resource = new ByteArrayResource(String.join("\n", yaml).getBytes(StandardCharsets.UTF_8),
					"inline YAML");
			try {
				new YamlPropertySourceLoader().load("inline", resource).forEach(sources::addLast);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return environment;
	}

}
