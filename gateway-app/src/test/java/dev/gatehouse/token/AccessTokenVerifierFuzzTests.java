package dev.gatehouse.token;

import static dev.gatehouse.token.JsonMutator.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import dev.gatehouse.token.TokenMutator.Corpus;
import dev.gatehouse.token.TokenMutator.Mutant;
import dev.gatehouse.token.TokenMutator.Original;

/**
 * Bounded, seeded mutation fuzzing of {@link AccessTokenVerifier} against two real (WireMock) IdPs.
 *
 * <p>Starts from valid RS256 tokens of several claim shapes and mutates them ({@link TokenMutator}):
 * characters (flips, insertions, deletions, unicode and control characters), parts (drop, duplicate,
 * swap, cross-token splice), and the decoded header/payload JSON ({@link JsonMutator}: types, duplicate
 * keys, nesting, truncation, {@code alg}/{@code typ}/{@code kid}/{@code crit}/{@code jku}/{@code jwk},
 * lifetimes, {@code iss}, {@code aud}), re-encoded and either left with the old signature or re-signed
 * with an attacker's key ({@link MutantSigner}).
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
 */
class AccessTokenVerifierFuzzTests {

	static final long DEFAULT_SEED = 20260301L;

	static final int DEFAULT_ITERATIONS = 20_000;

	static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final int MAX_REPORTED_FAILURES = 8;

	private static final Duration SKEW = Duration.ofSeconds(60);

	private static TestIdp corpIdp;

	private static TestIdp partnerIdp;

	private static TrustedIssuer corp;

	private static TrustedIssuer partner;

	private static List<TrustedIssuer> issuers;

	private static Corpus corpus;

	private final AccessTokenVerifier verifier = new AccessTokenVerifier(Clock.fixed(NOW, ZoneOffset.UTC));

	@BeforeAll
	static void startIdps() throws Exception {
		corpIdp = new TestIdp();
		partnerIdp = new TestIdp();
		corp = resolved("corp", corpIdp);
		partner = resolved("partner", partnerIdp);
		issuers = List.of(corp, partner);
		List<Original> originals = List.of(
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
		corpus = new Corpus(originals, corpIdp, partnerIdp, new MutantSigner(corpIdp.key(), partnerIdp.key()));
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
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		long start = System.nanoTime();
		long startCpu = threads.getCurrentThreadCpuTime();
		for (int i = 0; i < iterations; i++) {
			Mutant mutant = null;
			try {
				mutant = new TokenMutator(corpus, new Random(iterationSeed(seed, i))).mutate();
				String problem = mutant.trustedResign() ? checkTrusted(mutant, trusted) : checkUntrusted(mutant, untrusted);
				if (problem != null) {
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
						+ "accepted=%d rejected=%s | failures=%d%n",
				seed, iterations, millis, cpuMillis, untrusted.total, untrusted.accepted, untrusted.acceptedIdentical,
				untrusted.acceptedTrimmed, untrusted.accepted - untrusted.acceptedIdentical - untrusted.acceptedTrimmed,
				untrusted.rejected, trusted.total, trusted.accepted, trusted.rejected, failureCount);
		int failed = failureCount;
		assertThat(failures)
			.withFailMessage(() -> failed + " of " + iterations + " mutants failed (first " + failures.size()
					+ " shown; replay with -Dfuzz.seed=" + seed + "):\n" + String.join("\n\n", failures))
			.isEmpty();
		if (iterations >= 1_000) {
			assertThat(untrusted.accepted).as("the originals themselves are among the mutants").isPositive();
		}
	}

	// ---- regressions: production bugs found by the fuzzer ------------------------------------------

	/**
	 * Nimbus turns a NumericDate into {@code new Date(seconds * 1000)} without an overflow check, so values
	 * beyond ±{@code Long.MAX_VALUE / 1000} seconds wrapped around: a far-future {@code nbf}/{@code iat}
	 * became a past one, a far-past {@code exp} a valid one, and an IdP-signed token carrying one was
	 * accepted. The verifier now refuses NumericDates outside 0..9999-12-31 as malformed.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "\"iat\":9223372036854775807", "\"iat\":18446744073709552", "\"nbf\":1e300",
			"\"nbf\":9223372036854776", "\"exp\":-18446742301342852" })
	void verifyWhenNumericDateOverflowsThenMalformedToken(String lifetime) throws Exception {
		long now = NOW.getEpochSecond();
		Map<String, String> claims = new LinkedHashMap<>(Map.of("\"exp\"", Long.toString(now + 300), "\"iat\"",
				Long.toString(now), "\"nbf\"", Long.toString(now)));
		claims.put(lifetime.substring(0, lifetime.indexOf(':')), lifetime.substring(lifetime.indexOf(':') + 1));
		StringBuilder payload = new StringBuilder("{\"iss\":" + json(corpIdp.issuer()) + ",\"sub\":\"alice\"");
		claims.forEach((name, value) -> payload.append(',').append(name).append(':').append(value));
		String header = "{\"kid\":" + json(corpIdp.key().getKeyID()) + ",\"typ\":\"at+jwt\",\"alg\":\"RS256\"}";
		String signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload.append('}').toString());
		String signature = MutantSigner.sign("SHA256withRSA", corpIdp.key().toPrivateKey(), signingInput);
		String token = signingInput + "." + signature;
		assertThatExceptionOfType(TokenRejectedException.class).isThrownBy(() -> this.verifier.verify(token, issuers))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.MALFORMED_TOKEN));
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
		Original original = corpus.originals()
			.stream()
			.filter((o) -> o.signingInput().equals(signingInput))
			.findFirst()
			.orElse(null);
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

	private static String lifetimeProblem(String claim, Object raw) {
		return "accepted " + claim + "=" + raw + " at " + NOW.getEpochSecond() + " with skew " + SKEW;
	}

	/** The whole seconds of a NumericDate (fraction dropped, as the verifier has second precision). */
	private static BigDecimal epochSeconds(Object value) {
		if (value instanceof Long l) {
			return BigDecimal.valueOf(l);
		}
		if (value instanceof Double d) {
			return new BigDecimal(d).setScale(0, RoundingMode.DOWN);
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
				.append(TokenMutator.printable(mutant.token(), 600));
		}
		failures.add(message.toString());
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

	static final class Stats {

		int total;

		int accepted;

		int acceptedIdentical;

		int acceptedTrimmed;

		final Map<Reason, Integer> rejected = new EnumMap<>(Reason.class);

	}

}
