package dev.gatehouse.token;

import java.security.Key;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JWSHeader;

/**
 * Tokens whose signature was verified, by their exact compact string, so that a client repeating its
 * token (every request of an MCP session) skips parsing and the RSA/EC verification. A hit is still
 * checked against everything that can change: the route's issuers (the same issuer instance, so a
 * configuration reload invalidates it), the issuer's current keys (the verifying key must still be
 * published: a removed key invalidates its tokens), and the lifetime at the current time. Only the
 * holder of the exact token string can hit it. Bounded: when full, expired entries go, then all.
 */
final class VerifiedTokenCache {

	/** What verifying a token established, and what must still hold to reuse it. */
	record Entry(VerifiedToken token, TrustedIssuer issuer, JWSHeader header, Key key) {
	}

	private final int maxEntries;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	VerifiedTokenCache(int maxEntries) {
		this.maxEntries = maxEntries;
	}

	Entry get(String token) {
		return (this.maxEntries > 0) ? this.entries.get(token) : null;
	}

	void put(String token, Entry entry, long nowMillis) {
		if (this.maxEntries <= 0) {
			return;
		}
		if (this.entries.size() >= this.maxEntries) {
			this.entries.values().removeIf((cached) -> expired(cached, nowMillis));
			if (this.entries.size() >= this.maxEntries) {
				this.entries.clear();
			}
		}
		this.entries.put(token, entry);
	}

	void remove(String token) {
		this.entries.remove(token);
	}

	int size() {
		return this.entries.size();
	}

	private static boolean expired(Entry entry, long nowMillis) {
		java.util.Date exp = entry.token().claims().getExpirationTime();
		return exp == null || exp.getTime() + entry.issuer().clockSkew().toMillis() < nowMillis;
	}

}
