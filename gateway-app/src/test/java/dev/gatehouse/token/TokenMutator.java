package dev.gatehouse.token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.gatehouse.support.TestIdp;

/**
 * One mutant from one {@link Random}: pick an original, apply 0..n structured ({@link JsonMutator}) and
 * compact-form mutations, and choose a signature ({@link MutantSigner}). For
 * {@link AccessTokenVerifierFuzzTests}; every random draw comes from the one {@code Random}, in a fixed
 * order, so a (seed, iteration) replays the same mutation choices.
 */
final class TokenMutator {

	/** A valid token the mutants start from, as signed by its IdP. */
	record Original(String compact, String[] parts, String signingInput, RSAKey idpKey, JWSHeader header,
			JWTClaimsSet claims, String issuerName) {
	}

	/** What the mutator works from: the originals, the two IdPs, and the keys mutants are signed with. */
	record Corpus(List<Original> originals, TestIdp corpIdp, TestIdp partnerIdp, MutantSigner signer) {
	}

	/** A mutant: the token, which original it came from, whether the IdP's real key signed it, and how. */
	record Mutant(String token, int original, boolean trustedResign, List<String> operations) {
	}

	private static final String B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	static final String[] ODD_CHARS = { ".", "=", "+", "/", " ", "\t", "\n", "\r", "\u000b", "\u000c",
			"\u0000", "\u0001", "\u001f", "\u007f", "\u0085", "\u00a0", "\u00e9", "\u0130", "\u017f", "\u200b",
			"\u2028", "\u202e", "\ufeff", "\ufffd", "\uff0e", "\uD800", "\uDC00", "\uD83D\uDE00", "%", "\\", "\"",
			"{", "}", ",", ":", "*" };

	private final Corpus corpus;

	private final Random rnd;

	private final List<String> ops = new ArrayList<>();

	private final JsonMutator json;

	TokenMutator(Corpus corpus, Random rnd) {
		this.corpus = corpus;
		this.rnd = rnd;
		this.json = new JsonMutator(corpus, rnd, this.ops);
	}

	Mutant mutate() throws Exception {
		int index = this.rnd.nextInt(this.corpus.originals().size());
		Original original = this.corpus.originals().get(index);
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
				parts[0] = this.json.mutatePart(parts[0], true);
			}
			if (payload) {
				parts[1] = this.json.mutatePart(parts[1], false);
			}
			int signature = this.rnd.nextInt(100);
			// RSA signing is the costly step: spend it only where the verifier gets as far as the signature
			boolean parses = this.json.encodedJsonParses();
			if (signature < 42 || (signature >= 88 && !parses)) {
				this.ops.add("keep-signature");
			}
			else if (signature < 85) {
				parts[2] = this.corpus.signer().attackerSignature(this.rnd, this.ops, parts[0] + "." + parts[1], parses);
			}
			else if (signature < 88) {
				this.ops.add("empty-signature");
				parts[2] = "";
			}
			else {
				trusted = true;
				this.ops.add("resign-with-IdP-key");
				parts[2] = this.corpus.signer().idpSignature(original, parts[0] + "." + parts[1]);
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
				Original other = this.corpus.originals().get(this.rnd.nextInt(this.corpus.originals().size()));
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
				int o = this.rnd.nextInt(this.corpus.originals().size());
				String[] other = this.corpus.originals().get(o).parts();
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
					parts.set(q, this.corpus.originals().get(this.rnd.nextInt(this.corpus.originals().size())).parts()[q]);
				}
			}
		}
		return String.join(".", parts);
	}

	private <T> T pick(T[] values) {
		return values[this.rnd.nextInt(values.length)];
	}

	/** {@code s} with every character outside printable ASCII escaped, cut after about {@code max} characters. */
	static String printable(String s, int max) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < s.length() && out.length() < max; i++) {
			char c = s.charAt(i);
			out.append((c >= 0x20 && c < 0x7f) ? String.valueOf(c) : String.format(Locale.ROOT, "\\u%04x", (int) c));
		}
		return (out.length() >= max) ? out + "...(" + s.length() + " chars)" : out.toString();
	}

}
