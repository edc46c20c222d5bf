package dev.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import dev.gatehouse.config.IssuerProperties;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.TokenRejectedException;
import dev.gatehouse.support.TestIdp;
import dev.gatehouse.support.TestTokens;

/**
 * Bounded, seeded mutation fuzzing of {@link AccessTokenVerifier} against two real (WireMock) IdPs.
 *
 * <p>Starts from valid RS256 tokens of several claim shapes and mutates them: characters (flips,
 * insertions, deletions, unicode and control characters), parts (drop, duplicate, swap, cross-token
 * splice), and the decoded header/payload JSON (types, duplicate keys, nesting, truncation,
 * {@code alg}/{@code typ}/{@code kid}/{@code crit}/{@code jku}/{@code jwk}, lifetimes, {@code iss},
 * {@code aud}), re-encoded and either left with the old signature or re-signed with an attacker's key.
 *
 * <p>Oracle for every such ("untrusted") mutant: {@code verify} either returns a token whose signing
 * input is an original's and whose signature verifies (checked independently with
 * {@link RSASSAVerifier} and the IdP's real public key) with the original's claims, or throws
 * {@link TokenRejectedException} with a reason other than {@link Reason#KEYS_UNAVAILABLE}. Anything
 * else thrown (any {@code RuntimeException}, {@code Error}) is a failure.
 *
 * <p>A smaller share of mutants is re-signed with the IdP's <em>real</em> key ("trusted re-sign") to
 * reach the post-signature code (lifetime, scopes, audiences): those must not throw anything but
 * {@link TokenRejectedException}, and when accepted their lifetime claims, computed exactly from the
 * JSON numbers, must be valid at the fixed clock.
 *
 * <p>Knobs: {@code -Dfuzz.seed=<long>} (default {@value #DEFAULT_SEED}), {@code -Dfuzz.iterations=<n>}
 * (default {@value #DEFAULT_ITERATIONS}). Each iteration draws from its own {@code Random(seed, i)},
 * so a reported (seed, iteration) replays the same mutation choices (keys, and so signatures, and the
 * IdPs' ports differ from run to run). A one-line summary goes to stdout.
 *
 * <p>Known production bug, kept out of the verdict and pinned by {@code @Disabled} regression tests:
 * see {@link #KNOWN_BUG_EPOCH_OVERFLOW}.
 */
class AccessTokenVerifierFuzzTests {

	static final long DEFAULT_SEED = 20260301L;

	static final int DEFAULT_ITERATIONS = 20_000;

	private static final int MAX_REPORTED_FAILURES = 8;

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final Duration SKEW = Duration.ofSeconds(60);

	private static TestIdp corpIdp;

	private static TestIdp partnerIdp;

	private static TrustedIssuer corp;

	private static TrustedIssuer partner;

	private static List<TrustedIssuer> issuers;

	private static List<Original> originals;

	private static RSAKey attackerRsa;

	private static RSAKey attackerRsaWithCorpKid;

	private static ECKey attackerEc;

	private static PrivateKey attackerRsaKey;

	private static PrivateKey attackerRsaWithCorpKidKey;

	private static PrivateKey attackerEcKey;

	private static Map<String, PrivateKey> idpKeys;

	private final AccessTokenVerifier verifier = new AccessTokenVerifier(Clock.fixed(NOW, ZoneOffset.UTC));

	@BeforeAll
	static void startIdps() throws Exception {
		corpIdp = new TestIdp();
		partnerIdp = new TestIdp();
		corp = resolved("corp", corpIdp);
		partner = resolved("partner", partnerIdp);
		issuers = List.of(corp, partner);
		attackerRsa = TestIdp.newKey();
		// the attacker's key published under the IdP's kid (same key material as attackerRsa: one key generation less)
		attackerRsaWithCorpKid = new RSAKey.Builder(attackerRsa).keyID(corpIdp.key().getKeyID()).build();
		attackerEc = new ECKeyGenerator(Curve.P_256).keyID("attacker-ec").generate();
		attackerRsaKey = attackerRsa.toPrivateKey();
		attackerRsaWithCorpKidKey = attackerRsaWithCorpKid.toPrivateKey();
		attackerEcKey = attackerEc.toPrivateKey();
		idpKeys = Map.of(corpIdp.key().getKeyID(), corpIdp.key().toPrivateKey(), partnerIdp.key().getKeyID(),
				partnerIdp.key().toPrivateKey());
		originals = List.of(
				original("corp", corpIdp, token(corpIdp).type("at+jwt")
					.scope("jira:read jira:write")
					.claim("aud", "https://mcp.example.com/mcp/jira")
					.clientId("client-1")),
				original("corp", corpIdp, token(corpIdp).type("JWT")
					.claim("scp", List.of("jira:read", "confluence:read"))
					.audience("https://mcp.example.com/mcp/jira", "https://mcp.example.com/mcp/wiki")
					.claim("azp", "client-2")),
				original("corp", corpIdp, token(corpIdp).type(null)
					.scope("admin")
					.audience("https://mcp.example.com/mcp/admin")
					.claim("cid", "client-3")),
				original("corp", corpIdp, token(corpIdp).type("application/at+jwt")
					.notBefore(null)
					.claim("scp", List.of("only"))
					.claim("sub", "\u00e5lice-\u00fc-\uD83D\uDE00")
					.claim("groups", List.of("eng", "ops"))
					.claim("ext", new TreeMap<>(Map.of("tenant", "t1", "level", 3L)))),
				original("partner", partnerIdp, token(partnerIdp).type("at+jwt")
					.scope("jira:read")
					.claim("aud", "https://mcp.example.com/mcp/jira")
					.clientId("partner-client")),
				original("partner", partnerIdp, token(partnerIdp).type(null)
					.claim("scp", List.of("a", "b"))
					.audience("https://mcp.example.com/mcp/jira")));
		// every original must be accepted as it is, or the oracle below means nothing
		AccessTokenVerifier verifier = new AccessTokenVerifier(Clock.fixed(NOW, ZoneOffset.UTC));
		for (Original original : originals) {
			assertThat(verifier.verify(original.compact(), issuers).claims().toJSONObject())
				.isEqualTo(original.claims().toJSONObject());
		}
	}

	@AfterAll
	static void stopIdps() throws Exception {
		corp.close();
		partner.close();
		corpIdp.close();
		partnerIdp.close();
	}

	@Test
	void mutatedTokensAreRejectedWithAReasonOrAreTheOriginalSignedToken() {
		long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
		int iterations = Integer.getInteger("fuzz.iterations", DEFAULT_ITERATIONS);
		Stats untrusted = new Stats();
		Stats trusted = new Stats();
		List<String> failures = new ArrayList<>();
		int failureCount = 0;
		List<Integer> knownBugIterations = new ArrayList<>();
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		long start = System.nanoTime();
		long startCpu = threads.getCurrentThreadCpuTime();
		for (int i = 0; i < iterations; i++) {
			Mutant mutant = null;
			try {
				mutant = new Mutator(new Random(iterationSeed(seed, i))).mutate();
				String problem = mutant.trustedResign() ? checkTrusted(mutant, trusted) : checkUntrusted(mutant, untrusted);
				if (problem != null && problem.startsWith(KNOWN_BUG_EPOCH_OVERFLOW)) {
					knownBugIterations.add(i);
				}
				else if (problem != null) {
					failureCount++;
					record(failures, seed, i, mutant, problem, null);
				}
			}
			catch (Throwable ex) {
				failureCount++;
				record(failures, seed, i, mutant, "fuzz harness or verifier threw", ex);
			}
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		long cpuMillis = (threads.getCurrentThreadCpuTime() - startCpu) / 1_000_000;
		System.out.printf(Locale.ROOT,
				"AccessTokenVerifierFuzzTests seed=%d iterations=%d time=%dms (cpu %dms) | untrusted=%d accepted=%d "
						+ "(byte-identical=%d, whitespace-trimmed=%d, signature-part-re-encoded=%d) rejected=%s | trusted-resign=%d "
						+ "accepted=%d rejected=%s known-bug-epoch-overflow-accepted=%d %s | failures=%d%n",
				seed, iterations, millis, cpuMillis, untrusted.total, untrusted.accepted, untrusted.acceptedIdentical,
				untrusted.acceptedTrimmed, untrusted.accepted - untrusted.acceptedIdentical - untrusted.acceptedTrimmed,
				untrusted.rejected, trusted.total, trusted.accepted, trusted.rejected, knownBugIterations.size(),
				knownBugIterations.subList(0, Math.min(10, knownBugIterations.size())), failureCount);
		int failed = failureCount;
		assertThat(failures)
			.withFailMessage(() -> failed + " of " + iterations + " mutants failed (first " + failures.size()
					+ " shown; replay with -Dfuzz.seed=" + seed + "):\n" + String.join("\n\n", failures))
			.isEmpty();
		if (iterations >= 1_000) {
			assertThat(untrusted.accepted).as("the originals themselves are among the mutants").isPositive();
		}
	}

	// ---- regressions: production bugs found by the fuzzer, pinned until fixed --------------------------

	/**
	 * Replays the fuzz iterations (default seed) that found the NumericDate overflow, with the strict
	 * oracle. Mutants are rebuilt by the mutator, so this pins the finding only while the mutator is
	 * unchanged; {@link #verifyWhenNumericDateOverflowsMillisecondsThenRejected} pins it for good.
	 */
	@Disabled("BUG: exp/nbf/iat beyond ±Long.MAX_VALUE/1000 s wrap around in Nimbus' new Date(seconds * 1000), "
			+ "and AccessTokenVerifier.checkLifetime trusts the wrapped Date: an IdP-signed token with a far-future "
			+ "nbf/iat (or a far-past exp that wraps into the window) is accepted")
	@ParameterizedTest(name = "seed " + DEFAULT_SEED + " iteration {0}")
	@ValueSource(ints = { 6238, 7959, 10478, 13728, 16791, 18189, 18514 })
	void replayFuzzSeedThatFoundNumericDateOverflow(int iteration) throws Exception {
		Mutant mutant = new Mutator(new Random(iterationSeed(DEFAULT_SEED, iteration))).mutate();
		assertThat(mutant.trustedResign()).as("re-signed with the IdP's key: %s", mutant.operations()).isTrue();
		assertThat(checkTrusted(mutant, new Stats())).as("%s", mutant.operations()).isNull();
	}

	@Disabled("BUG: exp/nbf/iat beyond ±Long.MAX_VALUE/1000 s wrap around in Nimbus' new Date(seconds * 1000), "
			+ "and AccessTokenVerifier.checkLifetime trusts the wrapped Date: an IdP-signed token with a far-future "
			+ "nbf/iat (or a far-past exp that wraps into the window) is accepted")
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "\"iat\":9223372036854775807", "\"iat\":18446744073709552", "\"nbf\":1e300",
			"\"nbf\":9223372036854776", "\"exp\":-18446742301342852" })
	void verifyWhenNumericDateOverflowsMillisecondsThenRejected(String lifetime) throws Exception {
		long now = NOW.getEpochSecond();
		Map<String, String> claims = new java.util.LinkedHashMap<>(Map.of("\"exp\"", Long.toString(now + 300),
				"\"iat\"", Long.toString(now), "\"nbf\"", Long.toString(now)));
		claims.put(lifetime.substring(0, lifetime.indexOf(':')), lifetime.substring(lifetime.indexOf(':') + 1));
		StringBuilder payload = new StringBuilder("{\"iss\":" + json(corpIdp.issuer()) + ",\"sub\":\"alice\"");
		claims.forEach((name, value) -> payload.append(',').append(name).append(':').append(value));
		String header = "{\"kid\":" + json(corpIdp.key().getKeyID()) + ",\"typ\":\"at+jwt\",\"alg\":\"RS256\"}";
		String signingInput = Base64URL.encode(header).toString() + "." + Base64URL.encode(payload.append('}').toString());
		String token = signingInput + "." + Mutator.sign("SHA256withRSA", corpIdp.key().toPrivateKey(), signingInput);
		assertThatExceptionOfType(TokenRejectedException.class).isThrownBy(() -> this.verifier.verify(token, issuers))
			.satisfies((ex) -> assertThat(ex.reason()).isIn(Reason.TOKEN_NOT_YET_VALID, Reason.TOKEN_EXPIRED,
					Reason.MALFORMED_TOKEN));
	}

	// ---- oracles ------------------------------------------------------------------------------------

	private String checkUntrusted(Mutant mutant, Stats stats) {
		stats.total++;
		VerifiedToken verified;
		try {
			verified = this.verifier.verify(mutant.token(), issuers);
		}
		catch (TokenRejectedException ex) {
			stats.rejected.merge(ex.reason(), 1, Integer::sum);
			return (ex.reason() == Reason.KEYS_UNAVAILABLE) ? "rejected with KEYS_UNAVAILABLE (a 503 for a client's token)"
					: null;
		}
		stats.accepted++;
		// Accepted: it must still be an original, signed by the original's IdP. JOSEObject.split trims, so
		// do the same; the header and payload text must be byte-identical to the original's.
		String[] parts = mutant.token().trim().split("\\.", -1);
		if (parts.length != 3) {
			return "accepted a mutant with " + parts.length + " parts";
		}
		String signingInput = parts[0] + "." + parts[1];
		Original original = originals.stream().filter((o) -> o.signingInput().equals(signingInput)).findFirst().orElse(null);
		if (original == null) {
			return "accepted a mutant whose signing input is no original's";
		}
		try {
			RSASSAVerifier independent = new RSASSAVerifier(original.idpKey().toRSAPublicKey());
			if (!independent.verify(original.header(), signingInput.getBytes(StandardCharsets.US_ASCII),
					new Base64URL(parts[2]))) {
				return "accepted a mutant whose signature does not verify with the IdP's key";
			}
		}
		catch (Exception ex) {
			return "accepted a mutant whose signature cannot be verified independently: " + ex;
		}
		if (!verified.claims().toJSONObject().equals(original.claims().toJSONObject())
				|| !verified.issuer().equals(original.issuerName())) {
			return "accepted a mutant with other claims or issuer than its original: " + verified;
		}
		if (mutant.token().equals(original.compact())) {
			stats.acceptedIdentical++;
		}
		else if (mutant.token().trim().equals(original.compact())) {
			stats.acceptedTrimmed++;
		}
		return null;
	}

	private String checkTrusted(Mutant mutant, Stats stats) throws Exception {
		stats.total++;
		VerifiedToken verified;
		try {
			verified = this.verifier.verify(mutant.token(), issuers);
		}
		catch (TokenRejectedException ex) {
			stats.rejected.merge(ex.reason(), 1, Integer::sum);
			return (ex.reason() == Reason.KEYS_UNAVAILABLE) ? "rejected with KEYS_UNAVAILABLE (a 503 for a client's token)"
					: null;
		}
		stats.accepted++;
		// Signed by the IdP's real key, so acceptance is legitimate if the token is what the verifier says
		String[] parts = mutant.token().trim().split("\\.", -1);
		Map<String, Object> header = JSONObjectUtils.parse(new Base64URL(parts[0]).decodeToString());
		Map<String, Object> payload = JSONObjectUtils.parse(new Base64URL(parts[1]).decodeToString());
		if (!"RS256".equals(header.get("alg"))) {
			return "accepted alg " + header.get("alg");
		}
		Object typ = header.get("typ");
		if (typ != null && !Set.of("jwt", "at+jwt", "application/at+jwt").contains(String.valueOf(typ).toLowerCase(Locale.ROOT))) {
			return "accepted typ " + typ;
		}
		TrustedIssuer selected = verified.issuer().equals("corp") ? corp : partner;
		if (!selected.issuerId().equals(payload.get("iss"))) {
			return "accepted iss " + payload.get("iss") + " as issuer " + verified.issuer();
		}
		// lifetime, computed exactly from the JSON numbers
		BigDecimal now = BigDecimal.valueOf(NOW.getEpochSecond());
		BigDecimal skew = BigDecimal.valueOf(SKEW.toSeconds());
		BigDecimal exp = epochSeconds(payload.get("exp"));
		if (exp == null || exp.compareTo(now.subtract(skew)) <= 0) {
			return lifetimeProblem("exp", payload.get("exp"));
		}
		for (String claim : List.of("nbf", "iat")) {
			BigDecimal value = epochSeconds(payload.get(claim));
			if (value != null && value.compareTo(now.add(skew)) > 0) {
				return lifetimeProblem(claim, payload.get(claim));
			}
		}
		return null;
	}

	/**
	 * Nimbus turns a NumericDate into {@code new Date(seconds * 1000)} without an overflow check, so values
	 * beyond ±{@code Long.MAX_VALUE / 1000} seconds wrap around: a far-future {@code nbf}/{@code iat}
	 * becomes a past one, a far-past {@code exp} can become a valid one. Reachable only with the IdP's
	 * signature; kept out of the fuzz verdict and pinned by the disabled regression tests below.
	 */
	static final String KNOWN_BUG_EPOCH_OVERFLOW = "KNOWN BUG (NumericDate overflow): ";

	private static String lifetimeProblem(String claim, Object raw) {
		String problem = "accepted " + claim + "=" + raw + " at " + NOW.getEpochSecond() + " with skew " + SKEW;
		boolean overflows = (raw instanceof Long l) ? (l > Long.MAX_VALUE / 1000 || l < Long.MIN_VALUE / 1000)
				: (raw instanceof Double d) && Math.abs(d) >= Long.MAX_VALUE / 1000.0;
		return overflows ? KNOWN_BUG_EPOCH_OVERFLOW + problem : problem;
	}

	/** The whole seconds of a NumericDate (fraction dropped, as the verifier has second precision). */
	private static BigDecimal epochSeconds(Object value) {
		if (value instanceof Long l) {
			return BigDecimal.valueOf(l);
		}
		if (value instanceof Double d) {
			return new BigDecimal(d).setScale(0, java.math.RoundingMode.DOWN);
		}
		return null;
	}

	private static void record(List<String> failures, long seed, int iteration, Mutant mutant, String problem,
			Throwable ex) {
		if (failures.size() >= MAX_REPORTED_FAILURES) {
			return;
		}
		StringBuilder message = new StringBuilder("seed=" + seed + " iteration=" + iteration + ": " + problem);
		if (ex != null) {
			message.append("\n  threw ").append(ex);
			Arrays.stream(ex.getStackTrace()).limit(6).forEach((frame) -> message.append("\n    at ").append(frame));
		}
		if (mutant != null) {
			message.append("\n  from original #")
				.append(mutant.original())
				.append(mutant.trustedResign() ? " (re-signed with the IdP's real key)" : "")
				.append(" via ")
				.append(mutant.operations())
				.append("\n  mutant: ")
				.append(printable(mutant.token(), 600));
		}
		failures.add(message.toString());
	}

	private static String printable(String s, int max) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < s.length() && out.length() < max; i++) {
			char c = s.charAt(i);
			out.append((c >= 0x20 && c < 0x7f) ? String.valueOf(c) : String.format(Locale.ROOT, "\\u%04x", (int) c));
		}
		return (out.length() >= max) ? out + "...(" + s.length() + " chars)" : out.toString();
	}

	static long iterationSeed(long seed, int iteration) {
		long z = seed + (iteration + 1L) * 0x9E3779B97F4A7C15L;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	// ---- originals and issuers ----------------------------------------------------------------------

	private static TestTokens token(TestIdp idp) {
		// a fixed jti so that mutants of a (seed, iteration) differ between runs only in keys and port
		return TestTokens.valid(idp.key(), idp.issuer(), NOW).claim("jti", "00000000-0000-4000-8000-000000000000");
	}

	private static Original original(String issuerName, TestIdp idp, TestTokens tokens) throws Exception {
		String compact = tokens.sign();
		String[] parts = compact.split("\\.");
		return new Original(compact, parts, parts[0] + "." + parts[1], idp.key(),
				JWSHeader.parse(new Base64URL(parts[0])), JWTClaimsSet.parse(new Base64URL(parts[1]).decodeToString()),
				issuerName);
	}

	private static TrustedIssuer resolved(String name, TestIdp provider) throws Exception {
		var properties = new IssuerProperties(URI.create(provider.discoveryUrl()), null, null, null, null, null, null,
				null);
		TrustedIssuer issuer = new TrustedIssuer(name, properties, new GatehouseMeters(new SimpleMeterRegistry()),
				new IssuerMetadataClient(JsonMapper.builder().build()));
		issuer.resolve();
		return issuer;
	}

	record Original(String compact, String[] parts, String signingInput, RSAKey idpKey, JWSHeader header,
			JWTClaimsSet claims, String issuerName) {
	}

	record Mutant(String token, int original, boolean trustedResign, List<String> operations) {
	}

	static final class Stats {

		int total;

		int accepted;

		int acceptedIdentical;

		int acceptedTrimmed;

		final Map<Reason, Integer> rejected = new EnumMap<>(Reason.class);

	}

	// ---- the mutator --------------------------------------------------------------------------------

	/** One mutant from one {@link Random}: pick an original, apply 0..n structured and byte-level mutations. */
	static final class Mutator {

		private static final String B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

		private static final String[] ODD_CHARS = { ".", "=", "+", "/", " ", "\t", "\n", "\r", "\u000b", "\u000c",
				"\u0000", "\u0001", "\u001f", "\u007f", "\u0085", "\u00a0", "\u00e9", "\u0130", "\u017f", "\u200b",
				"\u2028", "\u202e", "\ufeff", "\ufffd", "\uff0e", "\uD800", "\uDC00", "\uD83D\uDE00", "%", "\\", "\"",
				"{", "}", ",", ":", "*" };

		private final Random rnd;

		private final List<String> ops = new ArrayList<>();

		/** Whether every header or payload JSON this mutator re-encoded still parses (as the verifier decodes it). */
		private boolean encodedJsonParses = true;

		Mutator(Random rnd) {
			this.rnd = rnd;
		}

		Mutant mutate() throws Exception {
			int index = this.rnd.nextInt(originals.size());
			Original original = originals.get(index);
			String[] parts = original.parts().clone();
			String token = original.compact();
			boolean trusted = false;
			int roll = this.rnd.nextInt(100);
			if (roll < 2) {
				this.ops.add("none");
				return new Mutant(token, index, false, this.ops);
			}
			if (roll < 50) {
				// structured: decode header and/or payload, mutate the JSON, re-encode, then choose a signature
				boolean header = this.rnd.nextInt(3) == 0;
				boolean payload = !header || this.rnd.nextBoolean();
				if (header) {
					parts[0] = encode(mutateJson(decode(parts[0]), true));
				}
				if (payload) {
					parts[1] = encode(mutateJson(decode(parts[1]), false));
				}
				int signature = this.rnd.nextInt(100);
				// RSA signing is the costly step: spend it only where the verifier gets as far as the signature
				boolean parses = this.encodedJsonParses;
				if (signature < 42 || (signature >= 88 && !parses)) {
					this.ops.add("keep-signature");
				}
				else if (signature < 85) {
					parts[2] = attackerSignature(parts[0] + "." + parts[1], parses);
				}
				else if (signature < 88) {
					this.ops.add("empty-signature");
					parts[2] = "";
				}
				else {
					trusted = true;
					this.ops.add("resign-with-IdP-key");
					parts[2] = sign("SHA256withRSA", idpKeys.get(original.idpKey().getKeyID()), parts[0] + "." + parts[1]);
				}
				token = String.join(".", parts);
			}
			int textOps = (roll < 50) ? this.rnd.nextInt(2) : 1 + this.rnd.nextInt(3);
			for (int i = 0; i < textOps; i++) {
				token = mutateText(token);
			}
			return new Mutant(token, index, trusted, this.ops);
		}

		// ---- compact-form mutations

		private String mutateText(String token) {
			int length = token.length();
			int op = this.rnd.nextInt(16);
			switch (op) {
				case 0 -> {
					int at = this.rnd.nextInt(Math.max(1, length));
					if (length == 0) {
						return token;
					}
					int bit = (this.rnd.nextInt(4) == 0) ? this.rnd.nextInt(16) : this.rnd.nextInt(7);
					this.ops.add("flip-bit" + bit + "@" + at);
					return token.substring(0, at) + (char) (token.charAt(at) ^ (1 << bit)) + token.substring(at + 1);
				}
				case 1, 2 -> {
					int at = this.rnd.nextInt(length + 1);
					String c = this.rnd.nextBoolean() ? String.valueOf(B64URL.charAt(this.rnd.nextInt(64))) : pick(ODD_CHARS);
					this.ops.add("insert(" + printable(c, 12) + ")@" + at);
					return token.substring(0, at) + c + token.substring(at);
				}
				case 3 -> {
					if (length == 0) {
						return token;
					}
					int at = this.rnd.nextInt(length);
					int n = Math.min(length - at, this.rnd.nextInt(4) == 0 ? 1 + this.rnd.nextInt(60) : 1 + this.rnd.nextInt(3));
					this.ops.add("delete" + n + "@" + at);
					return token.substring(0, at) + token.substring(at + n);
				}
				case 4 -> {
					if (length == 0) {
						return token;
					}
					int at = this.rnd.nextInt(length);
					String c = this.rnd.nextBoolean() ? String.valueOf(B64URL.charAt(this.rnd.nextInt(64))) : pick(ODD_CHARS);
					this.ops.add("replace(" + printable(c, 12) + ")@" + at);
					return token.substring(0, at) + c + token.substring(at + 1);
				}
				case 5 -> {
					int at = this.rnd.nextInt(length + 1);
					this.ops.add("truncate@" + at);
					return token.substring(0, at);
				}
				case 6 -> {
					if (length == 0) {
						return token;
					}
					int at = this.rnd.nextInt(length);
					int n = Math.min(length - at, 1 + this.rnd.nextInt(40));
					this.ops.add("duplicate" + n + "@" + at);
					return token.substring(0, at + n) + token.substring(at, at + n) + token.substring(at + n);
				}
				case 7, 8 -> {
					return mutateParts(token);
				}
				case 9 -> {
					String[] around = { " ", "\t", "\n", "\r\n", "\u0000", "\u000b", "\u00a0", "\u2028", "\ufeff", "\"",
							"Bearer ", "bearer " };
					String prefix = this.rnd.nextBoolean() ? pick(around) : "";
					String suffix = this.rnd.nextBoolean() ? pick(around) : "";
					this.ops.add("wrap(" + printable(prefix, 12) + "," + printable(suffix, 12) + ")");
					return prefix + token + suffix;
				}
				case 10 -> {
					// alphabet and padding variants a lenient decoder may ignore
					String[] parts = token.split("\\.", -1);
					int p = this.rnd.nextInt(parts.length);
					int variant = this.rnd.nextInt(4);
					this.ops.add("reencode-part" + p + "-v" + variant);
					parts[p] = switch (variant) {
						case 0 -> parts[p].replace('-', '+').replace('_', '/');
						case 1 -> parts[p] + "==";
						case 2 -> (parts[p].length() > 10) ? parts[p].substring(0, 10) + "\n" + parts[p].substring(10) : parts[p];
						default -> parts[p] + "A";
					};
					return String.join(".", parts);
				}
				case 11 -> {
					String[] garbage = { "", ".", "..", "...", "....", "a.b.c", "e30.e30.", "e30.e30.e30", "eyJ.eyJ.",
							"null", "\u0000", "e30..", ".e30.", "eyJhbGciOiJub25lIn0.e30.", "eyJhbGciOiJSUzI1NiJ9.e30." };
					String g = pick(garbage);
					this.ops.add("replace-all(" + printable(g, 40) + ")");
					return g;
				}
				case 12 -> {
					// repeat a part many times: long inputs
					String[] parts = token.split("\\.", -1);
					int p = this.rnd.nextInt(parts.length);
					int times = 2 + this.rnd.nextInt(Math.max(1, Math.min(200, 65_536 / Math.max(1, parts[p].length()))));
					this.ops.add("repeat-part" + p + "x" + times);
					parts[p] = parts[p].repeat(times);
					return String.join(".", parts);
				}
				case 13 -> {
					// unicode look-alikes of the delimiter or base64 characters
					String[] lookAlikes = { "\uff0e", "\u2024", "\u3002", "\u00b7", "\uff21", "\u0391", "\u0410" };
					int dot = token.indexOf('.');
					String c = pick(lookAlikes);
					this.ops.add("lookalike(" + printable(c, 12) + ")");
					if (dot >= 0 && this.rnd.nextBoolean()) {
						return token.substring(0, dot) + c + token.substring(dot + 1);
					}
					int at = this.rnd.nextInt(length + 1);
					return token.substring(0, at) + c + token.substring(Math.min(length, at + 1));
				}
				case 14 -> {
					// splice a random range of another original in
					Original other = originals.get(this.rnd.nextInt(originals.size()));
					int from = this.rnd.nextInt(other.compact().length());
					int n = Math.min(other.compact().length() - from, 1 + this.rnd.nextInt(80));
					int at = this.rnd.nextInt(length + 1);
					int cut = Math.min(length, at + this.rnd.nextInt(80));
					this.ops.add("splice" + n + "@" + at);
					return token.substring(0, at) + other.compact().substring(from, from + n) + token.substring(cut);
				}
				default -> {
					// a burst of random bytes from the whole char range
					int at = this.rnd.nextInt(length + 1);
					StringBuilder burst = new StringBuilder();
					int n = 1 + this.rnd.nextInt(8);
					for (int i = 0; i < n; i++) {
						burst.append((char) this.rnd.nextInt(this.rnd.nextBoolean() ? 0x80 : 0x10000));
					}
					this.ops.add("burst" + n + "@" + at);
					return token.substring(0, at) + burst + token.substring(at);
				}
			}
		}

		private String mutateParts(String token) {
			List<String> parts = new ArrayList<>(Arrays.asList(token.split("\\.", -1)));
			int op = this.rnd.nextInt(7);
			int p = this.rnd.nextInt(parts.size());
			switch (op) {
				case 0 -> {
					this.ops.add("drop-part" + p);
					parts.remove(p);
				}
				case 1 -> {
					this.ops.add("duplicate-part" + p);
					parts.add(p, parts.get(p));
				}
				case 2 -> {
					int q = this.rnd.nextInt(parts.size());
					this.ops.add("swap-parts" + p + "," + q);
					String t = parts.get(p);
					parts.set(p, parts.get(q));
					parts.set(q, t);
				}
				case 3 -> {
					// the same part from another original: header/payload/signature splicing across tokens
					int o = this.rnd.nextInt(originals.size());
					String[] other = originals.get(o).parts();
					int q = Math.min(p, 2);
					this.ops.add("cross-part" + q + "-from-original" + o);
					if (p < parts.size()) {
						parts.set(p, other[q]);
					}
				}
				case 4 -> {
					this.ops.add("empty-part" + p);
					parts.set(p, "");
				}
				case 5 -> {
					int extra = 1 + this.rnd.nextInt(3);
					this.ops.add("append-parts" + extra);
					for (int i = 0; i < extra; i++) {
						parts.add(this.rnd.nextBoolean() ? "" : parts.get(this.rnd.nextInt(parts.size())));
					}
				}
				default -> {
					// a whole other original's signature, or all three parts from three originals
					this.ops.add("mix-three-originals");
					for (int q = 0; q < Math.min(3, parts.size()); q++) {
						parts.set(q, originals.get(this.rnd.nextInt(originals.size())).parts()[q]);
					}
				}
			}
			return String.join(".", parts);
		}

		// ---- JSON mutations

		private static boolean parsesAsObject(String json) {
			try {
				return JSONObjectUtils.parse(json) != null;
			}
			catch (Exception ex) {
				return false;
			}
		}

		private static String decode(String part) {
			return new Base64URL(part).decodeToString();
		}

		private String encode(String json) {
			byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
			if (this.rnd.nextInt(20) == 0) {
				// invalid UTF-8
				int at = this.rnd.nextInt(bytes.length + 1);
				byte[] bad = { (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80 };
				int n = 1 + this.rnd.nextInt(bad.length);
				byte[] out = new byte[bytes.length + n];
				System.arraycopy(bytes, 0, out, 0, at);
				System.arraycopy(bad, 0, out, at, n);
				System.arraycopy(bytes, at, out, at + n, bytes.length - at);
				this.ops.add("invalid-utf8@" + at);
				bytes = out;
			}
			this.encodedJsonParses &= parsesAsObject(new String(bytes, StandardCharsets.UTF_8));
			return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		}

		private String mutateJson(String json, boolean header) throws Exception {
			String where = header ? "header" : "payload";
			// members as (name, raw JSON value text), in order, duplicates possible
			List<String[]> members = new ArrayList<>();
			for (Map.Entry<String, Object> e : JSONObjectUtils.parse(json).entrySet()) {
				members.add(new String[] { e.getKey(), toJson(e.getValue()) });
			}
			int n = 1 + this.rnd.nextInt(3);
			for (int i = 0; i < n; i++) {
				int op = this.rnd.nextInt(10);
				if (op <= 3) {
					String name = pick(header ? HEADER_NAMES : PAYLOAD_NAMES);
					String value = valueFor(name, header);
					this.ops.add(where + ".set(" + name + "=" + printable(value, 60) + ")");
					set(members, name, value);
				}
				else if (op == 4 && !members.isEmpty()) {
					String[] removed = members.remove(this.rnd.nextInt(members.size()));
					this.ops.add(where + ".remove(" + removed[0] + ")");
				}
				else if (op == 5 && !members.isEmpty()) {
					// a duplicate key: first or last one with another value
					String[] existing = members.get(this.rnd.nextInt(members.size()));
					String value = valueFor(existing[0], header);
					this.ops.add(where + ".duplicate(" + existing[0] + "=" + printable(value, 60) + ")");
					members.add(this.rnd.nextInt(members.size() + 1), new String[] { existing[0], value });
				}
				else if (op == 6 && !members.isEmpty()) {
					String[] member = members.get(this.rnd.nextInt(members.size()));
					String[] variants = { member[0].toUpperCase(Locale.ROOT), member[0] + " ", " " + member[0],
							member[0] + "\u0000", "\\u00" + Integer.toHexString(member[0].charAt(0)) + member[0].substring(1),
							member[0].replace('i', '\u0131') };
					String renamed = pick(variants);
					this.ops.add(where + ".rename(" + member[0] + "->" + printable(renamed, 20) + ")");
					member[0] = renamed;
				}
				else if (op == 7 && !members.isEmpty()) {
					String[] member = members.get(this.rnd.nextInt(members.size()));
					int depth = pick(new Integer[] { 1, 1, 2, 2, 16, 16, 500, 2_000, 5_000, 20_000 });
					boolean array = this.rnd.nextBoolean();
					this.ops.add(where + ".nest(" + member[0] + "," + (array ? "[]" : "{}") + "x" + depth + ")");
					member[1] = nest(member[1], depth, array);
				}
				else {
					this.ops.add(where + ".shuffle");
					java.util.Collections.shuffle(members, this.rnd);
				}
			}
			StringBuilder out = new StringBuilder("{");
			String separator = this.rnd.nextInt(10) == 0 ? pick(new String[] { " , ", ",\n", "\t,", ",," }) : ",";
			for (int i = 0; i < members.size(); i++) {
				if (i > 0) {
					out.append(separator);
				}
				String name = members.get(i)[0];
				out.append('"').append(name.startsWith("\\u") ? name : escape(name)).append("\":").append(members.get(i)[1]);
			}
			out.append('}');
			String text = out.toString();
			int textOp = this.rnd.nextInt(14);
			switch (textOp) {
				case 0 -> {
					int at = this.rnd.nextInt(text.length() + 1);
					this.ops.add(where + ".truncate@" + at);
					text = text.substring(0, at);
				}
				case 1 -> {
					int at = this.rnd.nextInt(text.length() + 1);
					String c = pick(ODD_CHARS);
					this.ops.add(where + ".insert(" + printable(c, 12) + ")@" + at);
					text = text.substring(0, at) + c + text.substring(at);
				}
				case 2 -> {
					String[] wrappers = { "[%s]", "{\"a\":%s}", "\ufeff%s", "%s ", " %s", "%s}", "%s,", "/*x*/%s", "%s//",
							"%s%s", "\"%s\"" };
					String w = pick(wrappers);
					this.ops.add(where + ".wrap(" + printable(w, 20) + ")");
					text = w.replace("%s", text);
				}
				case 3 -> {
					String[] whole = { "", "null", "[]", "{}", "\"{}\"", "123", "true", "{\"alg\":\"RS256\"}", "{", "}",
							"{\"iss\":}", "{\"a\":NaN}", "{\"a\":Infinity}", "{'alg':'RS256'}" };
					String w = pick(whole);
					this.ops.add(where + ".replace-all(" + w + ")");
					text = w;
				}
				case 4 -> {
					int depth = pick(new Integer[] { 100, 100, 2_000, 5_000, 20_000 });
					this.ops.add(where + ".deep-wrap-x" + depth);
					text = "{\"x\":".repeat(depth) + text + "}".repeat(depth);
				}
				default -> {
					// leave the text as built
				}
			}
			return text;
		}

		private static void set(List<String[]> members, String name, String value) {
			for (String[] member : members) {
				if (member[0].equals(name)) {
					member[1] = value;
					return;
				}
			}
			members.add(new String[] { name, value });
		}

		private static String nest(String value, int depth, boolean array) {
			StringBuilder out = new StringBuilder(value.length() + depth * 8);
			out.append((array ? "[" : "{\"n\":").repeat(depth));
			out.append(value);
			out.append((array ? "]" : "}").repeat(depth));
			return out.toString();
		}

		private static final String[] HEADER_NAMES = { "alg", "alg", "alg", "typ", "typ", "kid", "kid", "crit", "jku",
				"jwk", "x5u", "x5c", "x5t", "x5t#S256", "b64", "cty", "enc", "zip", "p2c", "epk", "iss" };

		private static final String[] PAYLOAD_NAMES = { "iss", "iss", "iss", "aud", "aud", "exp", "exp", "exp", "nbf",
				"nbf", "iat", "iat", "sub", "scope", "scp", "client_id", "azp", "jti", "cnf", "act" };

		private static final String[] NUMBERS = { "0", "-0", "-1", "1", "1.5", "-1.5", "1e308", "-1e308", "1e400", "1E2",
				"9223372036854775807", "-9223372036854775808", "9223372036854775808", "9223372036854776",
				"18446744073709551616", "1772366700.999", "1.7723667E9", "0.0000001", "123456789012345678901234567890",
				"NaN", "Infinity", "0x10", "01", "+1", "1.", ".5" };

		private static final String[] ODD_VALUES = { "null", "true", "false", "\"\"", "[]", "{}", "[null]", "[1,2]",
				"[\"a\",1,null,{}]", "{\"a\":1}", "\"\\u0000\"", "\"\\ud800\"", "\"a\\u0000b\"", "\"\u202e\"",
				"\"" + "x".repeat(5000) + "\"" };

		private String valueFor(String name, boolean header) {
			if (this.rnd.nextInt(4) == 0) {
				return this.rnd.nextBoolean() ? pick(ODD_VALUES) : pick(NUMBERS);
			}
			long now = NOW.getEpochSecond();
			String corpIssuer = corpIdp.issuer();
			String partnerIssuer = partnerIdp.issuer();
			String corpKid = corpIdp.key().getKeyID();
			return switch (name) {
				case "alg" -> pick(new String[] { "\"RS256\"", "\"none\"", "\"None\"", "\"NONE\"", "\"HS256\"", "\"ES256\"",
						"\"PS256\"", "\"RS512\"", "\"RS256 \"", "\"rs256\"", "\"\"", "\"EdDSA\"", "\"dir\"",
						"\"RSA-OAEP-256\"", "[\"RS256\"]", "\"RS256\\u0000\"" });
				case "typ" -> pick(new String[] { "\"JWT\"", "\"at+jwt\"", "\"application/at+jwt\"", "\"AT+JWT\"",
						"\"id_token+jwt\"", "\"dpop+jwt\"", "\"\"", "[\"JWT\"]", "\"at+jwt \"", "\"\u0130D_TOKEN+JWT\"",
						"\"at\u017fjwt\"" });
				case "kid" -> pick(new String[] { json(corpKid), json(partnerIdp.key().getKeyID()),
						json(attackerRsa.getKeyID()), json("attacker-ec"), "\"\"", json(corpKid + "\u0000"),
						json(corpKid.toUpperCase(Locale.ROOT)), "[" + json(corpKid) + "]", json("../../etc/passwd"),
						json(java.util.UUID.nameUUIDFromBytes(new byte[] { (byte) this.rnd.nextInt() }).toString()) });
				case "crit" -> pick(new String[] { "[\"exp\"]", "[\"b64\"]", "[]", "[\"unknown\"]", "\"b64\"", "[1]",
						"[\"alg\"]", "[\"b64\",\"b64\"]" });
				case "b64" -> pick(new String[] { "false", "true", "\"false\"" });
				case "jku", "x5u" -> pick(new String[] { "\"http://127.0.0.1:1/jwks\"", "\"https://evil.example/jwks\"",
						json(corpIssuer + "/v1/keys"), "1" });
				case "jwk" -> pick(new String[] { attackerRsa.toPublicJWK().toJSONString(),
						attackerRsaWithCorpKid.toPublicJWK().toJSONString(), corpIdp.key().toPublicJWK().toJSONString(),
						attackerEc.toPublicJWK().toJSONString(), "{\"kty\":\"RSA\"}", "\"x\"" });
				case "x5c" -> pick(new String[] { "[\"MIIB\"]", "\"MIIB\"", "[]", "[1]" });
				case "x5t", "x5t#S256" -> pick(new String[] { "\"AAAA\"", "\"!!\"", "1" });
				case "enc" -> pick(new String[] { "\"A256GCM\"", "\"bogus\"" });
				case "zip" -> "\"DEF\"";
				case "cty" -> pick(new String[] { "\"JWT\"", "\"json\"" });
				case "p2c" -> pick(new String[] { "1000000000", "-1" });
				case "epk" -> attackerEc.toPublicJWK().toJSONString();
				case "iss" -> pick(new String[] { json(corpIssuer), json(partnerIssuer), json(corpIssuer + "/"),
						json(corpIssuer.toUpperCase(Locale.ROOT)), json(corpIssuer + " "), json(corpIssuer + "\u0000"),
						json(" " + corpIssuer), "[" + json(corpIssuer) + "]", "{\"iss\":" + json(corpIssuer) + "}",
						json(corpIssuer.replace("127.0.0.1", "127.0.0.l")), json(corpIssuer.replace("oauth2", "oauth2/.")),
						json("https://evil.example.com/oauth2/default") });
				case "aud" -> pick(new String[] { "\"https://mcp.example.com/mcp/jira\"",
						"[\"https://mcp.example.com/mcp/jira\",\"x\"]", "[\"https://mcp.example.com/mcp/jira\",1]",
						"[[\"https://mcp.example.com/mcp/jira\"]]", "\"\"", "[\"\"]" });
				case "exp", "nbf", "iat" -> pick(new String[] { Long.toString(now + 300), Long.toString(now - 300),
						Long.toString(now + 61), Long.toString(now - 61), Long.toString(now + 60), Long.toString(now - 60),
						"\"" + (now + 300) + "\"", "\"2026-03-01T12:05:00Z\"", (now + 300) + ".5", (now - 61) + ".999",
						"1.7723667E9", "9223372036854775807", "9223372036854776", "9223372036854775", "-9223372036854775808",
						"18446744073709552", Long.toString(18446744073709551L + now),
						Long.toString(now + 300 - 18446744073709552L), "1e19", "1e300", "-1e300", "-1",
						"0", "[" + (now + 300) + "]", "{\"$date\":" + (now + 300) + "}", "true", "null" });
				case "sub" -> pick(new String[] { "\"alice\"", "\"admin\"", "1", "1.5", "\"\"", "\"a\\u0000b\"", "[\"alice\"]" });
				case "scope" -> pick(new String[] { "\"admin\"", "\"  jira:read \\t jira:write \"", "[\"admin\"]",
						"[\"a\",\"a\"]", "\" \"", "1", "{\"admin\":true}" });
				case "scp" -> pick(new String[] { "[\"admin\"]", "[\"a\",\"a\",null,1]", "\"admin write\"", "[]",
						"[[\"admin\"]]" });
				case "client_id", "azp" -> pick(new String[] { "\"client-1\"", "1", "[\"client-1\"]", "\"\"" });
				default -> pick(ODD_VALUES);
			};
		}

		// ---- signatures

		/** A signature that verifies, but under an attacker's key (or an HMAC keyed with public material). */
		private String attackerSignature(String signingInput, boolean rsa) throws Exception {
			// the signature of a mutant that fails parsing is never looked at: a cheap HMAC will do
			int choice = rsa ? this.rnd.nextInt(12) : 8 + this.rnd.nextInt(4);
			return switch (choice) {
				case 0, 1 -> {
					this.ops.add("attacker-RS256-same-kid");
					yield sign("SHA256withRSA", attackerRsaWithCorpKidKey, signingInput);
				}
				case 2 -> {
					this.ops.add("attacker-RS256-own-kid");
					yield sign("SHA256withRSA", attackerRsaKey, signingInput);
				}
				case 3 -> {
					this.ops.add("attacker-RS512");
					yield sign("SHA512withRSA", attackerRsaWithCorpKidKey, signingInput);
				}
				case 4 -> {
					this.ops.add("attacker-PS256");
					Signature pss = Signature.getInstance("RSASSA-PSS");
					pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
					pss.initSign(attackerRsaWithCorpKidKey);
					pss.update(signingInput.getBytes(StandardCharsets.US_ASCII));
					yield Base64URL.encode(pss.sign()).toString();
				}
				case 5, 6, 7 -> {
					this.ops.add("attacker-ES256");
					Signature ec = Signature.getInstance("SHA256withECDSA");
					ec.initSign(attackerEcKey);
					ec.update(signingInput.getBytes(StandardCharsets.US_ASCII));
					yield Base64URL.encode(ECDSA.transcodeSignatureToConcat(ec.sign(), 64)).toString();
				}
				case 8, 9 -> {
					this.ops.add("attacker-HS256-keyed-with-IdP-public-key-DER");
					yield hmac(corpIdp.key().toRSAPublicKey().getEncoded(), signingInput);
				}
				case 10 -> {
					this.ops.add("attacker-HS256-keyed-with-IdP-JWK");
					yield hmac(corpIdp.key().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8), signingInput);
				}
				default -> {
					this.ops.add("attacker-HS256-secret");
					yield hmac("secret".getBytes(StandardCharsets.UTF_8), signingInput);
				}
			};
		}

		static String sign(String algorithm, PrivateKey key, String signingInput) throws Exception {
			Signature signature = Signature.getInstance(algorithm);
			signature.initSign(key);
			signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return Base64URL.encode(signature.sign()).toString();
		}

		private static String hmac(byte[] secret, String signingInput) throws Exception {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret, "HmacSHA256"));
			return Base64URL.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII))).toString();
		}

		private <T> T pick(T[] values) {
			return values[this.rnd.nextInt(values.length)];
		}

	}

	// ---- a JSON writer for raw mutation (Gson's would normalise what we want to keep odd)

	static String json(Object value) {
		return toJson(value);
	}

	static String toJson(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof String s) {
			return "\"" + escape(s) + "\"";
		}
		if (value instanceof Number || value instanceof Boolean) {
			return value.toString();
		}
		if (value instanceof List<?> list) {
			StringBuilder out = new StringBuilder("[");
			for (int i = 0; i < list.size(); i++) {
				out.append((i > 0) ? "," : "").append(toJson(list.get(i)));
			}
			return out.append(']').toString();
		}
		if (value instanceof Map<?, ?> map) {
			StringBuilder out = new StringBuilder("{");
			boolean first = true;
			for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
				out.append(first ? "" : ",").append(toJson(String.valueOf(e.getKey()))).append(':').append(toJson(e.getValue()));
				first = false;
			}
			return out.append('}').toString();
		}
		return toJson(value.toString());
	}

	static String escape(String s) {
		StringBuilder out = new StringBuilder();
		for (char c : s.toCharArray()) {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				default -> {
					if (c < 0x20) {
						out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}

}
