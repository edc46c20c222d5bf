package dev.gatehouse.auth;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.web.firewall.StrictHttpFirewall;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderCharactersTests {

	@Test
	void allowedWhenAnyCodePointThenSameAnswerAsTheFirewallsRegularExpressions() {
		List<String> disagreements = new ArrayList<>();
		for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
			String text = "a" + Character.toString(codePoint) + "z";
			if (HeaderCharacters.allowedName(text) != StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(text)
					|| HeaderCharacters.allowedValue(text) != StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(text)) {
				disagreements.add(Integer.toHexString(codePoint));
			}
		}
		assertThat(disagreements).isEmpty();
	}

	@Test
	void allowedWhenSurrogatesUnpairedOrAtTheEndsThenSameAnswerAsTheFirewall() {
		for (String text : new String[] { "\uD83D", "x\uDE00", "\uDE00\uD83D", "ok\uD83D\uDE00", "\uD83D\uDE00\uD83D",
				"", "\t", "a\tb", "\u007F", "\u0085", "\u00A0", "\uFFFF", "\u200B" }) {
			assertThat(HeaderCharacters.allowedName(text)).as(text)
				.isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(text));
			assertThat(HeaderCharacters.allowedValue(text)).as(text)
				.isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(text));
		}
	}

	@Test
	void strictFirewallWhenHeaderHasControlCharacterThenRejected() {
		assertThat(HeaderCharacters.allowedValue("Bearer abc\u0000")).isFalse();
		assertThat(HeaderCharacters.allowedValue("Bearer abc\r\n")).isFalse();
		assertThat(HeaderCharacters.allowedName("X-Tab\tName")).isFalse();
		assertThat(HeaderCharacters.strictFirewall()).isNotNull();
	}

}
