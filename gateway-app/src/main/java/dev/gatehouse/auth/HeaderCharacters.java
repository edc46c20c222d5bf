package dev.gatehouse.auth;

import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * The strict firewall's character rules for header names and values, without regular
 * expressions: the same answer as {@link StrictHttpFirewall#ALLOWED_HEADER_NAMES} and
 * {@link StrictHttpFirewall#ALLOWED_HEADER_VALUES} for every code point (assigned and not a control
 * character; a value may also hold tabs), at a fraction of the cost. The firewall checks a header
 * each time it is read, and a request's {@code Authorization} header, hundreds of characters of
 * token, is read several times.
 */
final class HeaderCharacters {

	private HeaderCharacters() {
	}

	/** The strict firewall with its default rules, header characters checked by this class. */
	static StrictHttpFirewall strictFirewall() {
		StrictHttpFirewall firewall = new StrictHttpFirewall();
		firewall.setAllowedHeaderNames(HeaderCharacters::allowedName);
		firewall.setAllowedHeaderValues(HeaderCharacters::allowedValue);
		firewall.setAllowedParameterNames(HeaderCharacters::allowedName);
		return firewall;
	}

	static boolean allowedName(String name) {
		return allowed(name, false);
	}

	static boolean allowedValue(String value) {
		return allowed(value, true);
	}

	private static boolean allowed(String text, boolean tabAllowed) {
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c >= 0x20 && c < 0x7F) {
				continue;
			}
			if (c == '\t' && tabAllowed) {
				continue;
			}
			int codePoint = c;
			if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				codePoint = Character.toCodePoint(c, text.charAt(++i));
			}
			int type = Character.getType(codePoint);
			if (type == Character.UNASSIGNED || type == Character.CONTROL) {
				return false;
			}
		}
		return true;
	}

}
