package dev.gatehouse.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The user's configuration under the {@code gatehouse} prefix, exactly as written. It is bound and
 * validated as a whole by {@link GatehouseConfigurationLoader} and then compiled into runtime
 * objects; request code never reads it.
 *
 * @param publicUrl the origin MCP clients use (scheme, host, optional port, no path); every
 * {@code resource} and {@code resource_metadata} URL derives from it, never from the request's
 * {@code Host}. Required.
 * @param issuers the authorization servers whose tokens may be accepted, by name. At least one.
 * @param routes the protected MCP endpoints, by name (the name is the route id in logs and
 * metrics). At least one.
 * @param allowedOrigins browser origins allowed besides {@code public-url} itself; a request with
 * any other {@code Origin} is refused with 403. Default: none.
 * @param allowedHosts {@code Host} values answered besides the host of {@code public-url}: a host
 * name (any port), {@code host:port}, or {@code *} for any; any other {@code Host} gets 421 (DNS
 * rebinding protection). Default: none.
 * @param rootMetadataRoute the route described by the root document
 * {@code /.well-known/oauth-protected-resource}. Default: the only route when there is exactly one;
 * with several routes and none named, the root document is not served (404).
 * @param upstream how Gatehouse talks to backends.
 * @param reload how changes to the configuration file are picked up while running.
 */
@ConfigurationProperties("gatehouse")
public record GatehouseProperties(URI publicUrl, Map<String, IssuerProperties> issuers,
		Map<String, RouteProperties> routes, List<String> allowedOrigins, List<String> allowedHosts, String rootMetadataRoute,
		UpstreamProperties upstream, ReloadProperties reload) {

	/**
	 * A {@code Host} value and an {@code allowed-hosts} entry: an RFC 3986 host (reg-name, IPv4 or a
	 * bracketed IPv6 literal) and an optional port (group 2).
	 */
	public static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~-]+)(?::([0-9]{1,5}))?");

	public GatehouseProperties {
		issuers = (issuers != null) ? issuers : Map.of();
		routes = (routes != null) ? routes : Map.of();
		allowedOrigins = (allowedOrigins != null) ? allowedOrigins : List.of();
		allowedHosts = (allowedHosts != null) ? allowedHosts : List.of();
		upstream = (upstream != null) ? upstream : new UpstreamProperties(null, null, null, null);
		reload = (reload != null) ? reload : new ReloadProperties(null, null);
	}

	/**
	 * Backend connections: HTTP/1.1, kept alive, no redirects followed.
	 *
	 * @param connectTimeout how long a TCP connect may take before the client gets 504. Default: 5s.
	 * @param responseTimeout how long a backend may take to send response headers before the client
	 * gets 504; a response body (an SSE stream, a long tool result) has no deadline. Default: 2m.
	 * @param sseHeartbeat how long an SSE stream may be silent before Gatehouse sends the client an
	 * SSE comment, which is how a client that went away is noticed (and its upstream stream closed).
	 * Default: 15s.
	 * @param maxRequestBody the largest request body forwarded, declared or chunked; a larger one gets
	 * 413 with a JSON-RPC error and the backend never receives it whole. Default: 4MB.
	 */
	public record UpstreamProperties(Duration connectTimeout, Duration responseTimeout, Duration sseHeartbeat,
			DataSize maxRequestBody) {

		public UpstreamProperties {
			connectTimeout = (connectTimeout != null) ? connectTimeout : Duration.ofSeconds(5);
			responseTimeout = (responseTimeout != null) ? responseTimeout : Duration.ofMinutes(2);
			sseHeartbeat = (sseHeartbeat != null) ? sseHeartbeat : Duration.ofSeconds(15);
			maxRequestBody = (maxRequestBody != null) ? maxRequestBody : DataSize.ofMegabytes(4);
		}

	}

	/**
	 * Live configuration reload: the files given with {@code spring.config.additional-location} are
	 * read every {@code poll-interval} and, when their content changed, validated, compiled and swapped
	 * in. Both settings take effect at start-up only.
	 *
	 * @param enabled whether to watch the files. Default: true.
	 * @param pollInterval how often the files are read (by content, so a Kubernetes ConfigMap update,
	 * which swaps a symbolic link, is seen). Default: 2s.
	 */
	public record ReloadProperties(Boolean enabled, Duration pollInterval) {

		public ReloadProperties {
			enabled = (enabled != null) ? enabled : Boolean.TRUE;
			pollInterval = (pollInterval != null) ? pollInterval : Duration.ofSeconds(2);
		}

	}

}
