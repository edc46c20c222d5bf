package dev.gatehouse.auth;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;

import dev.gatehouse.config.GatehouseProperties;

/**
 * The {@code Host} values the public port answers (DNS-rebinding protection, as the MCP Streamable
 * HTTP transport asks of servers): the host of {@code public-url} on any port, plus the configured
 * {@code allowed-hosts}, each a host name (any port) or {@code host:port}, or {@code *} for any.
 * Names compare case-insensitively and are otherwise exact: no trailing-dot, punycode or
 * percent-decoding normalisation. A {@code Host} without a port has the default port of the
 * {@code public-url} scheme.
 */
public final class AllowedHosts {

	private final boolean any;

	private final Set<String> anyPort = new HashSet<>();

	private final Set<String> exact = new HashSet<>();

	private final int defaultPort;

	private AllowedHosts(String publicHost, int defaultPort, List<String> allowed) {
		this.defaultPort = defaultPort;
		this.anyPort.add(publicHost.toLowerCase(Locale.ROOT));
		boolean anyHost = false;
		for (String entry : allowed) {
			if ("*".equals(entry)) {
				anyHost = true;
				continue;
			}
			Matcher matcher = GatehouseProperties.HOST.matcher(entry);
			if (matcher.matches()) {
				String name = matcher.group(1).toLowerCase(Locale.ROOT);
				if (matcher.group(2) == null) {
					this.anyPort.add(name);
				}
				else {
					this.exact.add(name + ":" + Integer.parseInt(matcher.group(2)));
				}
			}
		}
		this.any = anyHost;
	}

	public static AllowedHosts compile(GatehouseProperties properties) {
		String scheme = properties.publicUrl().getScheme();
		String host = properties.publicUrl().getHost();
		return new AllowedHosts(host, "https".equalsIgnoreCase(scheme) ? 443 : 80, properties.allowedHosts());
	}

	/** @param host the request's {@code Host} header, {@code null} when absent (HTTP/1.0) */
	public boolean allows(String host) {
		if (this.any) {
			return true;
		}
		if (host == null) {
			return false;
		}
		Matcher matcher = GatehouseProperties.HOST.matcher(host);
		if (!matcher.matches()) {
			return false;
		}
		String name = matcher.group(1).toLowerCase(Locale.ROOT);
		if (this.anyPort.contains(name)) {
			return true;
		}
		int port = (matcher.group(2) != null) ? Integer.parseInt(matcher.group(2)) : this.defaultPort;
		return this.exact.contains(name + ":" + port);
	}

}
