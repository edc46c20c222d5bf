import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * Mints the benchmark's RS256 access tokens and the issuer's JWKS, with the JDK only.
 *
 * <p>Usage: {@code java Mint.java <dir> <issuer> <audience>}. Reads {@code <dir>/signing.key} (the
 * issuer's RSA 2048 private key, PKCS#8 PEM) and {@code <dir>/forger.key} (another RSA 2048 key),
 * writes {@code <dir>/jwks.json} (the issuer's public key, kid {@code bench-1}),
 * {@code <dir>/valid.jwt} (accepted by every system under test), {@code <dir>/forged.jwt} (the same
 * header and claims signed by the forger's key under the issuer's kid: a bad signature) and
 * {@code <dir>/wrong-aud.jwt} (signed by the issuer, another audience).
 */
public final class Mint {

	private static final String KID = "bench-1";

	public static void main(String[] args) throws Exception {
		Path dir = Path.of(args[0]);
		String issuer = args[1];
		String audience = args[2];
		RSAPrivateCrtKey signing = readKey(dir.resolve("signing.key"));
		RSAPrivateCrtKey forger = readKey(dir.resolve("forger.key"));
		long now = Instant.now().getEpochSecond();
		String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + KID + "\"}";
		String valid = claims(issuer, audience, now);
		String wrongAudience = claims(issuer, audience + "-other", now);
		write(dir.resolve("valid.jwt"), sign(header, valid, signing));
		write(dir.resolve("forged.jwt"), sign(header, valid, forger));
		write(dir.resolve("wrong-aud.jwt"), sign(header, wrongAudience, signing));
		write(dir.resolve("jwks.json"), "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KID
				+ "\",\"n\":\"" + b64(unsigned(signing.getModulus())) + "\",\"e\":\""
				+ b64(unsigned(signing.getPublicExponent())) + "\"}]}");
	}

	private static String claims(String issuer, String audience, long now) {
		// valid for 3 hours: longer than any run; a string aud, which HAProxy's json_query can compare
		return "{\"iss\":\"" + issuer + "\",\"sub\":\"bench-user\",\"aud\":\"" + audience + "\",\"exp\":" + (now + 3 * 3600)
				+ ",\"iat\":" + now + ",\"jti\":\"bench-" + now + "\",\"client_id\":\"bench-client\","
				+ "\"scope\":\"mcp:read mcp:write\",\"groups\":[\"eng\",\"bench\"]}";
	}

	private static String sign(String header, String payload, PrivateKey key) throws Exception {
		String input = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(payload.getBytes(StandardCharsets.UTF_8));
		Signature rs256 = Signature.getInstance("SHA256withRSA");
		rs256.initSign(key);
		rs256.update(input.getBytes(StandardCharsets.US_ASCII));
		return input + "." + b64(rs256.sign());
	}

	private static RSAPrivateCrtKey readKey(Path pem) throws Exception {
		String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
		return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
			.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
	}

	private static byte[] unsigned(BigInteger value) {
		byte[] bytes = value.toByteArray();
		return (bytes[0] == 0) ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
	}

	private static String b64(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static void write(Path path, String content) throws Exception {
		Files.writeString(path, content);
	}

}
