package dev.gatehouse.rules;

import java.util.List;
import java.util.Set;

import dev.gatehouse.config.RouteProperties.ClaimRuleProperties;

/**
 * A compiled custom claim rule (AgentCore's {@code EQUALS}, {@code CONTAINS}, {@code CONTAINS_ANY}).
 * Comparison is exact: no case folding, no Unicode normalisation, no trimming; a claim of the wrong
 * type fails.
 */
public sealed interface ClaimRule {

	String claim();

	boolean test(Object value);

	static ClaimRule compile(ClaimRuleProperties rule) {
		if (rule.equals() != null) {
			return new EqualsRule(rule.claim(), rule.equals());
		}
		if (rule.contains() != null) {
			return new ContainsAnyRule(rule.claim(), Set.of(rule.contains()));
		}
		return new ContainsAnyRule(rule.claim(), Set.copyOf(rule.containsAny()));
	}

	/** A string claim equal to the value. */
	record EqualsRule(String claim, String value) implements ClaimRule {

		@Override
		public boolean test(Object claimValue) {
			return claimValue instanceof String string && string.equals(this.value);
		}

	}

	/** An array claim holding at least one of the values ({@code contains} is the one-value case). */
	record ContainsAnyRule(String claim, Set<String> values) implements ClaimRule {

		@Override
		public boolean test(Object claimValue) {
			return claimValue instanceof List<?> list
					&& list.stream().anyMatch((element) -> element != null && this.values.contains(element));
		}

	}

}
