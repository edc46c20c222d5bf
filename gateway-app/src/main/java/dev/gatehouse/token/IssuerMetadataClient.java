package dev.gatehouse.token;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches OpenID Connect Discovery 1.0 §4 or RFC 8414 §3 authorization server metadata and reads
 * the two members a resource server needs: {@code issuer} and {@code jwks_uri}. No redirects are
 * followed, the response is capped in size and time.
 */
final class IssuerMetadataClient {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final int SIZE_LIMIT_BYTES = 512 * 1024;

	private final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(2))
		.followRedirects(HttpClient.Redirect.NEVER)
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	private final JsonMapper json;

	IssuerMetadataClient(JsonMapper json) {
		this.json = json;
	}

	/** The parts of the metadata Gatehouse uses. */
	record Metadata(String issuer, URI jwksUri) {
	}

	Metadata fetch(URI discoveryUrl) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(discoveryUrl)
			.timeout(TIMEOUT)
			.header("Accept", "application/json")
			.GET()
			.build();
		HttpResponse<InputStream> response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		byte[] body;
		try (InputStream in = response.body()) {
			body = in.readNBytes(SIZE_LIMIT_BYTES + 1);
		}
		if (response.statusCode() != 200) {
			throw new IOException("metadata request answered HTTP " + response.statusCode());
		}
		if (body.length > SIZE_LIMIT_BYTES) {
			throw new IOException("metadata larger than " + SIZE_LIMIT_BYTES + " bytes");
		}
		Map<?, ?> metadata;
		try {
			metadata = this.json.readValue(body, Map.class);
		}
		catch (RuntimeException ex) {
			throw new IOException("metadata is not a JSON object");
		}
		if (!(metadata.get("issuer") instanceof String issuer) || issuer.isEmpty()) {
			throw new IOException("metadata has no issuer");
		}
		if (!(metadata.get("jwks_uri") instanceof String jwksUri)) {
			throw new IOException("metadata has no jwks_uri");
		}
		URI uri;
		try {
			uri = URI.create(jwksUri);
		}
		catch (IllegalArgumentException ex) {
			throw new IOException("metadata jwks_uri is not a URI");
		}
		if (!uri.isAbsolute() || uri.getHost() == null
				|| !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
			throw new IOException("metadata jwks_uri is not an absolute http(s) URL");
		}
		return new Metadata(issuer, uri);
	}

}
