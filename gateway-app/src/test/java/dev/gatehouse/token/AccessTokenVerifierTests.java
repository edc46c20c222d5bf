package dev.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import dev.gatehouse.config.IssuerProperties;
import dev.gatehouse.observability.GatehouseMeters;
import dev.gatehouse.refusal.Reason;
import dev.gatehouse.refusal.TokenRejectedException;
import dev.gatehouse.support.TestIdp;
import dev.gatehouse.support.TestTokens;

class AccessTokenVerifierTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final Duration SKEW = Duration.ofSeconds(60);

	private static TestIdp idp;

	private static TestIdp partnerIdp;

	private static TrustedIssuer corp;

	private static TrustedIssuer partner;

	private final AccessTokenVerifier verifier = new AccessTokenVerifier(Clock.fixed(NOW, ZoneOffset.UTC));

	@BeforeAll
	static void startIdps() throws Exception {
		idp = new TestIdp();
		partnerIdp = new TestIdp();
		corp = resolved("corp", idp);
		partner = resolved("partner", partnerIdp);
	}

	@AfterAll
	static void stopIdps() throws Exception {
		corp.close();
		partner.close();
		idp.close();
		partnerIdp.close();
	}

	@Test
	void verifyWhenGarbageThenMalformedToken() {
		assertRejected("garbage", Reason.MALFORMED_TOKEN);
	}

	@Test
	void verifyWhenNotThreePartsThenMalformedToken() {
		String[] parts = token().sign().split("\\.");
		assertRejected(parts[0] + "." + parts[1], Reason.MALFORMED_TOKEN);
		assertRejected(String.join(".", parts) + "." + parts[2], Reason.MALFORMED_TOKEN);
	}

	@Test
	void verifyWhenClaimsAreNotJsonThenMalformedToken() throws Exception {
		assertRejected(signRaw("not json"), Reason.MALFORMED_TOKEN);
	}

	@Test
	void verifyWhenExpIsAStringThenMalformedToken() throws Exception {
		assertRejected(signRaw("{\"iss\":\"" + idp.issuer() + "\",\"sub\":\"alice\",\"exp\":\"2026-03-01T12:05:00Z\"}"),
				Reason.MALFORMED_TOKEN);
	}

	@Test
	void verifyWhenAlgNoneThenAlgorithmNotAllowed() {
		assertRejected(new PlainJWT(claims().build()).serialize(), Reason.ALGORITHM_NOT_ALLOWED);
	}

	@Test
	void verifyWhenEs256AndOnlyRs256AllowedThenAlgorithmNotAllowed() throws Exception {
		var ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
		assertRejected(TestTokens.valid(ecKey, idp.issuer(), NOW).sign(), Reason.ALGORITHM_NOT_ALLOWED);
	}

	@Test
	void verifyWhenHs256WithSomeSecretThenAlgorithmNotAllowed() throws Exception {
		var signer = new MACSigner("a-shared-secret-of-at-least-256-bits!!".getBytes());
		assertRejected(sign(JWSAlgorithm.HS256, idp.key().getKeyID(), signer), Reason.ALGORITHM_NOT_ALLOWED);
	}

	@Test
	void verifyWhenHs256KeyedWithIssuerPublicKeyThenAlgorithmNotAllowed() throws Exception {
		var signer = new MACSigner(idp.key().toRSAPublicKey().getEncoded());
		assertRejected(sign(JWSAlgorithm.HS256, idp.key().getKeyID(), signer), Reason.ALGORITHM_NOT_ALLOWED);
	}

	@Test
	void verifyWhenEncryptedJwtThenAlgorithmNotAllowed() throws Exception {
		var jwe = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM), claims().build());
		jwe.encrypt(new RSAEncrypter(idp.key().toRSAPublicKey()));
		assertRejected(jwe.serialize(), Reason.ALGORITHM_NOT_ALLOWED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "id_token+jwt", "dpop+jwt" })
	void verifyWhenTypeIsNotAnAccessTokenThenTokenTypeNotAllowed(String type) {
		assertRejected(token().type(type).sign(), Reason.TOKEN_TYPE_NOT_ALLOWED);
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "JWT", "at+jwt", "application/at+jwt" })
	void verifyWhenTypeAbsentOrAccessTokenThenVerified(String type) {
		assertThat(verify(token().type(type).sign()).subject()).isEqualTo("alice");
	}

	@Test
	void verifyWhenOtherIssuerThenIssuerNotAllowed() {
		assertRejected(TestTokens.valid(idp.key(), "https://evil.example.com/oauth2/default", NOW).sign(),
				Reason.ISSUER_NOT_ALLOWED);
	}

	@Test
	void verifyWhenIssuerWithTrailingSlashThenIssuerNotAllowed() {
		assertRejected(TestTokens.valid(idp.key(), idp.issuer() + "/", NOW).sign(), Reason.ISSUER_NOT_ALLOWED);
	}

	@Test
	void verifyWhenIssuerMissingThenIssuerNotAllowed() {
		assertRejected(TestTokens.valid(idp.key(), null, NOW).sign(), Reason.ISSUER_NOT_ALLOWED);
	}

	@Test
	void verifyWhenKidNotInJwksThenUnknownKey() {
		assertRejected(token().keyId("no-such-kid").sign(), Reason.UNKNOWN_KEY);
	}

	@Test
	void verifyWhenSignedByAnotherKeyWithSameKidThenInvalidSignature() {
		RSAKey impostor = new RSAKey.Builder(TestIdp.newKey()).keyID(idp.key().getKeyID()).build();
		assertRejected(TestTokens.valid(impostor, idp.issuer(), NOW).sign(), Reason.INVALID_SIGNATURE);
	}

	@Test
	void verifyWhenKeyMaterialReplacedUnderTheSameKidThenOnlyTheNewKeyVerifiesOnceRefreshed() throws Exception {
		try (TestIdp replacing = new TestIdp()) {
			RSAKey original = replacing.key();
			RSAKey replacement = new RSAKey.Builder(TestIdp.newKey()).keyID(original.getKeyID()).build();
			var properties = new IssuerProperties(URI.create(replacing.discoveryUrl()), null, null, null, null, null, null,
					new IssuerProperties.JwksProperties(Duration.ofMillis(300), Duration.ofMillis(50), null));
			try (TrustedIssuer issuer = new TrustedIssuer("replacing", properties, meters(), metadataClient())) {
				issuer.resolve();
				AccessTokenVerifier caching = new AccessTokenVerifier(Clock.fixed(NOW, ZoneOffset.UTC), 100);
				String before = TestTokens.valid(original, replacing.issuer(), NOW).sign();
				caching.verify(before, List.of(issuer));
				caching.verify(before, List.of(issuer)); // its key now converted once and the token cached
				replacing.publish(List.of(replacement));
				String after = TestTokens.valid(replacement, replacing.issuer(), NOW).sign();
				boolean verified = false;
				for (int i = 0; i < 50 && !verified; i++) {
					Thread.sleep(100);
					try {
						verified = caching.verify(after, List.of(issuer)) != null;
					}
					catch (TokenRejectedException ex) {
						assertThat(ex.reason()).isEqualTo(Reason.INVALID_SIGNATURE);
					}
				}
				assertThat(verified).as("token of the replacement key verified after a refresh").isTrue();
				assertThatExceptionOfType(TokenRejectedException.class).isThrownBy(() -> caching.verify(before, List.of(issuer)))
					.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_SIGNATURE));
			}
		}
	}

	@Test
	void verifyWhenSignatureBytesAlteredThenInvalidSignature() {
		String[] parts = token().sign().split("\\.");
		byte[] signature = new Base64URL(parts[2]).decode();
		signature[signature.length / 2] ^= 0x01;
		assertRejected(parts[0] + "." + parts[1] + "." + Base64URL.encode(signature), Reason.INVALID_SIGNATURE);
	}

	@Test
	void verifyWhenSignedByPublishedRsaKeyUnder2048BitsThenUnknownKey() throws Exception {
		try (TestIdp weakIdp = new TestIdp()) {
			RSAKey weak = TestIdp.newKey(1024);
			weakIdp.publish(List.of(weakIdp.key(), weak));
			try (TrustedIssuer issuer = resolved("weak", weakIdp)) {
				SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.RS256, weak.getKeyID()),
						claims().issuer(weakIdp.issuer()).build());
				jwt.sign(new RSASSASigner(weak.toPrivateKey(), true));
				String strong = TestTokens.valid(weakIdp.key(), weakIdp.issuer(), NOW).sign();
				assertThat(this.verifier.verify(strong, List.of(issuer)).issuer()).isEqualTo("weak");
				assertRejected(jwt.serialize(), List.of(issuer), Reason.UNKNOWN_KEY);
			}
		}
	}

	@Test
	void verifyWhenNoExpThenExpiryMissing() {
		assertRejected(token().expiresAt(null).sign(), Reason.EXPIRY_MISSING);
	}

	@Test
	void verifyWhenExpiredBeyondSkewThenTokenExpired() {
		Instant exp = NOW.minus(SKEW).minusSeconds(1);
		assertRejected(token().issuedAt(exp.minusSeconds(300)).notBefore(null).expiresAt(exp).sign(), Reason.TOKEN_EXPIRED);
	}

	@Test
	void verifyWhenExpiredWithinSkewThenVerified() {
		Instant exp = NOW.minus(SKEW).plusSeconds(1);
		assertThat(verify(token().issuedAt(exp.minusSeconds(300)).notBefore(null).expiresAt(exp).sign()).subject())
			.isEqualTo("alice");
	}

	@Test
	void verifyWhenExpIsTheLastSecondOfYear9999ThenVerified() {
		Instant lastSecond = Instant.parse("9999-12-31T23:59:59Z");
		assertThat(verify(token().expiresAt(lastSecond).sign()).subject()).isEqualTo("alice");
	}

	@Test
	void verifyWhenExpIsBeyondYear9999ThenMalformedToken() {
		assertRejected(token().expiresAt(Instant.parse("+10000-01-01T00:00:00Z")).sign(), Reason.MALFORMED_TOKEN);
	}

	@Test
	void verifyWhenNotBeforeBeyondSkewThenTokenNotYetValid() {
		assertRejected(token().notBefore(NOW.plus(SKEW).plusSeconds(1)).sign(), Reason.TOKEN_NOT_YET_VALID);
	}

	@Test
	void verifyWhenIssuedAtBeyondSkewThenTokenNotYetValid() {
		assertRejected(token().issuedAt(NOW.plus(SKEW).plusSeconds(1)).sign(), Reason.TOKEN_NOT_YET_VALID);
	}

	@Test
	void verifyWhenNotBeforeAndIssuedAtWithinSkewThenVerified() {
		Instant soon = NOW.plus(SKEW);
		assertThat(verify(token().notBefore(soon).issuedAt(soon).sign()).subject()).isEqualTo("alice");
	}

	@Test
	void verifyWhenIssuerNeverResolvedThenKeysUnavailable() {
		TrustedIssuer pending = issuer("pending", idp);
		assertRejected(token().sign(), List.of(pending), Reason.KEYS_UNAVAILABLE);
	}

	@Test
	void verifyWhenConfiguredIssuerKeysNeverLoadedThenKeysUnavailable() {
		var properties = new IssuerProperties(null, URI.create(idp.issuer()),
				URI.create(idp.issuer() + "/v1/keys"), null, null, null, null, null);
		TrustedIssuer pending = new TrustedIssuer("pending", properties, meters(), metadataClient());
		assertRejected(token().sign(), List.of(pending), Reason.KEYS_UNAVAILABLE);
	}

	@Test
	void verifyWhenValidThenVerifiedTokenCarriesIssuerNameSubjectClientScopesAndAudience() {
		VerifiedToken verified = verify(token().clientId("client-1")
			.scope("jira:read  jira:write")
			.claim("aud", "https://mcp.example.com/mcp/jira")
			.sign());
		assertThat(verified.issuer()).isEqualTo("corp");
		assertThat(verified.subject()).isEqualTo("alice");
		assertThat(verified.clientId()).isEqualTo("client-1");
		assertThat(verified.scopes()).containsExactlyInAnyOrder("jira:read", "jira:write");
		assertThat(verified.audiences()).containsExactly("https://mcp.example.com/mcp/jira");
		assertThat(verified.claim("sub")).isEqualTo("alice");
	}

	@Test
	void verifyWhenNoClientScopeOrAudienceThenEmpty() {
		VerifiedToken verified = verify(token().sign());
		assertThat(verified.clientId()).isNull();
		assertThat(verified.scopes()).isEmpty();
		assertThat(verified.audiences()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "client_id", "azp", "cid", "appid" })
	void verifyWhenOnlyOneClientIdClaimThenClientIdFromIt(String claim) {
		assertThat(verify(token().claim(claim, "client-" + claim).sign()).clientId()).isEqualTo("client-" + claim);
	}

	@Test
	void verifyWhenSeveralClientIdClaimsThenFirstInConfiguredOrderWins() {
		String token = token().claim("appid", "app").claim("cid", "cid").claim("azp", "azp").sign();
		assertThat(verify(token).clientId()).isEqualTo("azp");
		assertThat(verify(token().claim("azp", "azp").clientId("cl").sign()).clientId()).isEqualTo("cl");
	}

	@Test
	void verifyWhenScpArrayThenScopesFromIt() {
		assertThat(verify(token().claim("scp", List.of("jira:read", "jira:write")).sign()).scopes())
			.containsExactlyInAnyOrder("jira:read", "jira:write");
	}

	@Test
	void verifyWhenScopeAndScpThenScopeWins() {
		assertThat(verify(token().scope("a").claim("scp", List.of("b")).sign()).scopes()).containsExactly("a");
	}

	@Test
	void verifyWhenAudienceArrayThenAllAudiences() {
		assertThat(verify(token().audience("https://a.example.com", "https://b.example.com").sign()).audiences())
			.containsExactly("https://a.example.com", "https://b.example.com");
	}

	@Test
	void verifyWhenSameTokenAgainThenSameResultFromCacheUntilItExpires() {
		MutableClock clock = new MutableClock(NOW);
		AccessTokenVerifier cachingVerifier = new AccessTokenVerifier(clock, 100);
		String token = token().expiresAt(NOW.plusSeconds(300)).sign();
		VerifiedToken first = cachingVerifier.verify(token, List.of(corp));
		assertThat(cachingVerifier.verify(token, List.of(corp))).isSameAs(first);
		clock.now = NOW.plusSeconds(300).plus(SKEW).plusSeconds(1);
		assertThatExceptionOfType(TokenRejectedException.class).isThrownBy(() -> cachingVerifier.verify(token, List.of(corp)))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.TOKEN_EXPIRED));
	}

	@Test
	void verifyWhenCachedTokenPresentedForRouteWithOtherIssuersThenIssuerNotAllowed() {
		String token = token().sign();
		this.verifier.verify(token, List.of(corp));
		assertRejected(token, List.of(partner), Reason.ISSUER_NOT_ALLOWED);
	}

	@Test
	void verifyWhenCacheDisabledThenVerifiedEachTime() {
		AccessTokenVerifier uncached = new AccessTokenVerifier(Clock.fixed(NOW, ZoneOffset.UTC), 0);
		String token = token().sign();
		assertThat(uncached.verify(token, List.of(corp))).isNotSameAs(uncached.verify(token, List.of(corp)));
	}

	/** A clock the test moves. */
	static final class MutableClock extends Clock {

		volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

	@Test
	void verifyWhenSeveralIssuersThenSelectedByIss() {
		List<TrustedIssuer> both = List.of(corp, partner);
		assertThat(this.verifier.verify(token().sign(), both).issuer()).isEqualTo("corp");
		String partnerToken = TestTokens.valid(partnerIdp.key(), partnerIdp.issuer(), NOW).sign();
		assertThat(this.verifier.verify(partnerToken, both).issuer()).isEqualTo("partner");
	}

	@Test
	void verifyWhenIssSaysPartnerButSignedWithCorpKeyThenUnknownKey() {
		String crossed = TestTokens.valid(idp.key(), partnerIdp.issuer(), NOW).sign();
		assertRejected(crossed, List.of(corp, partner), Reason.UNKNOWN_KEY);
	}

	private VerifiedToken verify(String token) {
		return this.verifier.verify(token, List.of(corp));
	}

	private void assertRejected(String token, Reason reason) {
		assertRejected(token, List.of(corp), reason);
	}

	private void assertRejected(String token, List<TrustedIssuer> issuers, Reason reason) {
		assertThatExceptionOfType(TokenRejectedException.class).isThrownBy(() -> this.verifier.verify(token, issuers))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(reason));
	}

	private static TestTokens token() {
		return TestTokens.valid(idp.key(), idp.issuer(), NOW);
	}

	private static JWTClaimsSet.Builder claims() {
		return new JWTClaimsSet.Builder().issuer(idp.issuer())
			.subject("alice")
			.issueTime(Date.from(NOW))
			.expirationTime(Date.from(NOW.plusSeconds(300)));
	}

	private static JWSHeader header(JWSAlgorithm algorithm, String kid) {
		return new JWSHeader.Builder(algorithm).keyID(kid).type(new JOSEObjectType("at+jwt")).build();
	}

	private static String sign(JWSAlgorithm algorithm, String kid, JWSSigner signer) throws Exception {
		SignedJWT jwt = new SignedJWT(header(algorithm, kid), claims().build());
		jwt.sign(signer);
		return jwt.serialize();
	}

	/** A correctly RS256-signed JWS whose payload is exactly {@code payload}. */
	private static String signRaw(String payload) throws Exception {
		JWSObject jws = new JWSObject(header(JWSAlgorithm.RS256, idp.key().getKeyID()), new Payload(payload));
		jws.sign(new RSASSASigner(idp.key()));
		return jws.serialize();
	}

	private static TrustedIssuer issuer(String name, TestIdp provider) {
		var properties = new IssuerProperties(URI.create(provider.discoveryUrl()), null, null, null, null, null, null,
				null);
		return new TrustedIssuer(name, properties, meters(), metadataClient());
	}

	private static TrustedIssuer resolved(String name, TestIdp provider) throws Exception {
		TrustedIssuer issuer = issuer(name, provider);
		issuer.resolve();
		return issuer;
	}

	private static GatehouseMeters meters() {
		return new GatehouseMeters(new SimpleMeterRegistry());
	}

	private static IssuerMetadataClient metadataClient() {
		return new IssuerMetadataClient(JsonMapper.builder().build());
	}

}
