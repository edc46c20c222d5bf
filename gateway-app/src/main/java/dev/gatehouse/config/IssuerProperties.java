package dev.gatehouse.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One trusted authorization server. Give either {@code discovery-url}, or {@code issuer} together
 * with {@code jwks-uri}.
 *
 * @param discoveryUrl the OpenID Connect discovery or RFC 8414 metadata URL, fetched at start-up.
 * @param issuer the exact {@code iss} value of its tokens; with {@code discovery-url} the discovered
 * {@code issuer} must equal it. Default: the discovered issuer.
 * @param jwksUri the JWK Set URL; with {@code issuer}, replaces discovery.
 * @param algorithms the JWS algorithms accepted (RS256/384/512, PS256/384/512, ES256/384/512; never
 * {@code none} or HMAC). Default: {@code [RS256]}, what Okta, Entra ID, Cognito, Auth0 and Keycloak
 * sign with unless told otherwise.
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}, at most 5 minutes.
 * Default: 60s.
 * @param clientIdClaims where the client id is looked up, first present claim wins. Default:
 * {@code [client_id, azp, cid, appid]}.
 * @param scopeClaims where granted scopes are read, first present claim wins; a space-separated
 * string or an array. Default: {@code [scope, scp]}.
 * @param jwks how keys are cached and refreshed.
 */
public record IssuerProperties(URI discoveryUrl, URI issuer, URI jwksUri, List<String> algorithms,
		Duration clockSkew, List<String> clientIdClaims, List<String> scopeClaims, JwksProperties jwks) {

	public IssuerProperties {
		algorithms = (algorithms != null) ? algorithms : List.of("RS256");
		clockSkew = (clockSkew != null) ? clockSkew : Duration.ofSeconds(60);
		clientIdClaims = (clientIdClaims != null) ? clientIdClaims : List.of("client_id", "azp", "cid", "appid");
		scopeClaims = (scopeClaims != null) ? scopeClaims : List.of("scope", "scp");
		jwks = (jwks != null) ? jwks : new JwksProperties(null, null, null);
	}

	/**
	 * JWK Set caching (Nimbus {@code JWKSourceBuilder}).
	 *
	 * @param cacheTtl how long fetched keys are used before a refresh. Default: 5m.
	 * @param minRefreshInterval at most one fetch per this interval, whatever unknown {@code kid}s
	 * arrive. Default: 30s.
	 * @param outageTolerance how long cached keys keep being served while the JWKS URL is down.
	 * Default: 12h.
	 */
	public record JwksProperties(Duration cacheTtl, Duration minRefreshInterval, Duration outageTolerance) {

		public JwksProperties {
			cacheTtl = (cacheTtl != null) ? cacheTtl : Duration.ofMinutes(5);
			minRefreshInterval = (minRefreshInterval != null) ? minRefreshInterval : Duration.ofSeconds(30);
			outageTolerance = (outageTolerance != null) ? outageTolerance : Duration.ofHours(12);
		}

	}

}
