package dev.gatehouse.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gatehouse.config.RouteProperties.ClaimRuleProperties;

/** Claim values come from parsed JSON, exactly as the verifier hands them over. */
class ClaimRuleTests {

	private static final String CYRILLIC_IE = "\u0435";

	@Test
	void compileWhenEqualsThenEqualsRule() {
		assertThat(ClaimRule.compile(new ClaimRuleProperties("dept", "eng", null, null)))
			.isEqualTo(new ClaimRule.EqualsRule("dept", "eng"));
	}

	@Test
	void compileWhenContainsThenContainsAnyOfOneValue() {
		assertThat(ClaimRule.compile(new ClaimRuleProperties("groups", null, "eng", null)))
			.isEqualTo(new ClaimRule.ContainsAnyRule("groups", Set.of("eng")));
	}

	@Test
	void compileWhenContainsAnyThenContainsAnyRule() {
		ClaimRule rule = ClaimRule.compile(new ClaimRuleProperties("groups", null, null, List.of("eng", "support")));
		assertThat(rule).isEqualTo(new ClaimRule.ContainsAnyRule("groups", Set.of("eng", "support")));
		assertThat(rule.claim()).isEqualTo("groups");
	}

	@Test
	void equalsWhenSameStringThenHolds() {
		assertThat(equalsRule("eng").test(claim("\"eng\""))).isTrue();
	}

	@Test
	void equalsWhenDifferentStringThenFails() {
		assertThat(equalsRule("eng").test(claim("\"sales\""))).isFalse();
	}

	@Test
	void equalsWhenCaseDiffersThenFails() {
		assertThat(equalsRule("eng").test(claim("\"ENG\""))).isFalse();
		assertThat(equalsRule("ENG").test(claim("\"eng\""))).isFalse();
	}

	@Test
	void equalsWhenTrailingOrLeadingSpaceThenFails() {
		assertThat(equalsRule("eng").test(claim("\"eng \""))).isFalse();
		assertThat(equalsRule("eng").test(claim("\" eng\""))).isFalse();
		assertThat(equalsRule("eng ").test(claim("\"eng\""))).isFalse();
	}

	@Test
	void equalsWhenCyrillicLookAlikeThenFails() {
		assertThat(equalsRule("eng").test(claim("\"" + CYRILLIC_IE + "ng\""))).isFalse();
		assertThat(equalsRule(CYRILLIC_IE + "ng").test(claim("\"eng\""))).isFalse();
	}

	@Test
	void equalsWhenControlCharacterThenExactOnly() {
		assertThat(equalsRule("eng").test(claim("\"eng\\u0000\""))).isFalse();
		assertThat(equalsRule("eng").test(claim("\"e\\u0008ng\""))).isFalse();
		assertThat(equalsRule("eng\u0000").test(claim("\"eng\\u0000\""))).isTrue();
	}

	@Test
	void equalsWhenArrayHoldingTheValueThenFails() {
		assertThat(equalsRule("eng").test(claim("[\"eng\"]"))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "42", "true", "{\"eng\":\"eng\"}", "null" })
	void equalsWhenNotAStringThenFails(String json) {
		assertThat(new ClaimRule.EqualsRule("c", json).test(claim(json))).isFalse();
	}

	@Test
	void equalsWhenClaimAbsentThenFails() {
		assertThat(equalsRule("eng").test(null)).isFalse();
	}

	@Test
	void containsWhenArrayHoldsValueThenHolds() {
		assertThat(containsRule("eng").test(claim("[\"sales\",\"eng\"]"))).isTrue();
	}

	@Test
	void containsWhenArrayLacksValueThenFails() {
		assertThat(containsRule("eng").test(claim("[\"sales\",\"support\"]"))).isFalse();
		assertThat(containsRule("eng").test(claim("[]"))).isFalse();
	}

	@Test
	void containsWhenStringClaimEqualToValueThenFails() {
		assertThat(containsRule("eng").test(claim("\"eng\""))).isFalse();
		assertThat(containsRule("eng").test(claim("\"eng sales\""))).isFalse();
	}

	@Test
	void containsWhenElementDiffersByCaseSpaceOrLookAlikeThenFails() {
		assertThat(containsRule("eng").test(claim("[\"Eng\",\"eng \",\"" + CYRILLIC_IE + "ng\",\"eng\\u0007\"]")))
			.isFalse();
	}

	@Test
	void containsWhenElementsAreNotStringsThenFails() {
		assertThat(new ClaimRule.ContainsAnyRule("c", Set.of("1", "true")).test(claim("[1,true,[\"1\"]]"))).isFalse();
	}

	@Test
	void containsAnyWhenOneValuePresentThenHolds() {
		assertThat(containsAnyRule("eng", "support").test(claim("[\"sales\",\"support\"]"))).isTrue();
	}

	@Test
	void containsAnyWhenNoValuePresentThenFails() {
		assertThat(containsAnyRule("eng", "support").test(claim("[\"sales\",\"Support\"]"))).isFalse();
	}

	@Test
	void containsAnyWhenStringOrObjectClaimThenFails() {
		assertThat(containsAnyRule("eng", "support").test(claim("\"support\""))).isFalse();
		assertThat(containsAnyRule("eng", "support").test(claim("{\"support\":true}"))).isFalse();
		assertThat(containsAnyRule("eng", "support").test(null)).isFalse();
	}

	@Test
	void containsAnyWhenArrayHoldsNullElementThenOtherElementsStillEvaluated() {
		assertThatCode(() -> containsAnyRule("eng").test(claim("[null,\"eng\"]"))).doesNotThrowAnyException();
		assertThat(containsAnyRule("eng").test(claim("[null,\"eng\"]"))).isTrue();
		assertThat(containsAnyRule("eng").test(claim("[null]"))).isFalse();
	}

	private static ClaimRule equalsRule(String value) {
		return ClaimRule.compile(new ClaimRuleProperties("c", value, null, null));
	}

	private static ClaimRule containsRule(String value) {
		return ClaimRule.compile(new ClaimRuleProperties("c", null, value, null));
	}

	private static ClaimRule containsAnyRule(String... values) {
		return ClaimRule.compile(new ClaimRuleProperties("c", null, null, List.of(values)));
	}

	/** The value of claim {@code c} after JSON parsing, as JWTClaimsSet yields it. */
	private static Object claim(String json) {
		try {
			return JWTClaimsSet.parse("{\"c\":" + json + "}").getClaim("c");
		}
		catch (java.text.ParseException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
