package dev.gatehouse.token;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;

import dev.gatehouse.support.TestIdp;

/**
 * The signatures of {@link TokenMutator}'s mutants: the IdPs' real keys (a "trusted re-sign") and an
 * attacker's keys (RSA under its own kid and under the IdP's, EC, HMACs keyed with public material).
 */
final class MutantSigner {

	/** The corp IdP's key: its public parts key the key-confusion HMACs. */
	private final RSAKey corpKey;

	private final Map<String, PrivateKey> idpKeys;

	private final RSAKey attackerRsa;

	/** The attacker's key published under the IdP's kid (same key material as attackerRsa: one key generation less). */
	private final RSAKey attackerRsaWithCorpKid;

	private final ECKey attackerEc;

	private final PrivateKey attackerRsaKey;

	private final PrivateKey attackerRsaWithCorpKidKey;

	private final PrivateKey attackerEcKey;

	/** Generates the attacker's keys; {@code corpKey} and {@code partnerKey} are the IdPs' (private) keys. */
	MutantSigner(RSAKey corpKey, RSAKey partnerKey) throws Exception {
		this.corpKey = corpKey;
		this.idpKeys = Map.of(corpKey.getKeyID(), corpKey.toPrivateKey(), partnerKey.getKeyID(),
				partnerKey.toPrivateKey());
		this.attackerRsa = TestIdp.newKey();
		this.attackerRsaWithCorpKid = new RSAKey.Builder(this.attackerRsa).keyID(corpKey.getKeyID()).build();
		this.attackerEc = new ECKeyGenerator(Curve.P_256).keyID("attacker-ec").generate();
		this.attackerRsaKey = this.attackerRsa.toPrivateKey();
		this.attackerRsaWithCorpKidKey = this.attackerRsaWithCorpKid.toPrivateKey();
		this.attackerEcKey = this.attackerEc.toPrivateKey();
	}

	RSAKey attackerRsa() {
		return this.attackerRsa;
	}

	RSAKey attackerRsaWithCorpKid() {
		return this.attackerRsaWithCorpKid;
	}

	ECKey attackerEc() {
		return this.attackerEc;
	}

	/** RS256 with the real private key of {@code original}'s IdP. */
	String idpSignature(TokenMutator.Original original, String signingInput) throws Exception {
		return sign("SHA256withRSA", this.idpKeys.get(original.idpKey().getKeyID()), signingInput);
	}

	/** A signature that verifies, but under an attacker's key (or an HMAC keyed with public material). */
	String attackerSignature(Random rnd, List<String> ops, String signingInput, boolean rsa) throws Exception {
		// the signature of a mutant that fails parsing is never looked at: a cheap HMAC will do
		int choice = rsa ? rnd.nextInt(12) : 8 + rnd.nextInt(4);
		return switch (choice) {
			case 0, 1 -> {
				ops.add("attacker-RS256-same-kid");
				yield sign("SHA256withRSA", this.attackerRsaWithCorpKidKey, signingInput);
			}
			case 2 -> {
				ops.add("attacker-RS256-own-kid");
				yield sign("SHA256withRSA", this.attackerRsaKey, signingInput);
			}
			case 3 -> {
				ops.add("attacker-RS512");
				yield sign("SHA512withRSA", this.attackerRsaWithCorpKidKey, signingInput);
			}
			case 4 -> {
				ops.add("attacker-PS256");
				Signature pss = Signature.getInstance("RSASSA-PSS");
				pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
				pss.initSign(this.attackerRsaWithCorpKidKey);
				pss.update(signingInput.getBytes(StandardCharsets.US_ASCII));
				yield Base64URL.encode(pss.sign()).toString();
			}
			case 5, 6, 7 -> {
				ops.add("attacker-ES256");
				Signature ec = Signature.getInstance("SHA256withECDSA");
				ec.initSign(this.attackerEcKey);
				ec.update(signingInput.getBytes(StandardCharsets.US_ASCII));
				yield Base64URL.encode(ECDSA.transcodeSignatureToConcat(ec.sign(), 64)).toString();
			}
			case 8, 9 -> {
				ops.add("attacker-HS256-keyed-with-IdP-public-key-DER");
				yield hmac(this.corpKey.toRSAPublicKey().getEncoded(), signingInput);
			}
			case 10 -> {
				ops.add("attacker-HS256-keyed-with-IdP-JWK");
				yield hmac(this.corpKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8), signingInput);
			}
			default -> {
				ops.add("attacker-HS256-secret");
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

}
