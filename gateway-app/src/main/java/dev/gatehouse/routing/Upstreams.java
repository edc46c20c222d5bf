package dev.gatehouse.routing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend instances of one route, and which of them serves a request. One backend
 * ({@code upstream}): every request goes there and {@code Mcp-Session-Id} passes unchanged. A pool
 * of instances ({@code upstreams}, for backends that keep MCP sessions in memory; one instance
 * is a pool too): a request without a session goes to the next instance in turn, and the session id that instance issues is handed to the client prefixed with the
 * instance's tag ({@code <tag>.<backend session id>}), so that every later request of the session
 * finds the same instance again, through any Gatehouse replica, with no state shared between
 * replicas. The tag is derived from the instance URL ({@link #canonical}), so sessions survive a
 * configuration reload that keeps their instance; a session whose tag names no instance of the route does not exist.
 */
public final class Upstreams {

	/** Length of an instance tag: 48 bits of SHA-256 of the instance URL, base64url. */
	static final int TAG_LENGTH = 8;

	private static final char SEPARATOR = '.';

	private final List<Instance> instances;

	private final Map<String, Instance> byTag;

	private final boolean sticky;

	// each compiled route (each replica, each reload) starts its turns at a random instance
	private final AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

	private Upstreams(List<URI> urls, boolean sticky) {
		if (urls.isEmpty()) {
			throw new IllegalArgumentException("a route needs at least one upstream");
		}
		this.instances = urls.stream().map((url) -> new Instance(url, tag(url))).toList();
		this.sticky = sticky;
		Map<String, Instance> byTag = new HashMap<>();
		for (Instance instance : this.instances) {
			if (byTag.putIfAbsent(instance.tag(), instance) != null) {
				throw new IllegalArgumentException("upstream listed twice: " + instance.url());
			}
		}
		this.byTag = Map.copyOf(byTag);
	}

	/**
	 * Instances whose sessions are pinned, even when there is only one: a pool scaled from one
	 * instance to two (or back) keeps its sessions.
	 */
	public static Upstreams pool(List<URI> instances) {
		return new Upstreams(instances, true);
	}

	/** One backend ({@code upstream}): session ids pass unchanged. */
	public static Upstreams of(URI instance) {
		return new Upstreams(List.of(instance), false);
	}

	/** Whether sessions are pinned to instances (the route lists {@code upstreams}). */
	public boolean sticky() {
		return this.sticky;
	}

	/**
	 * The form of an instance URL its tag is derived from, and that two entries must not share:
	 * scheme and host in lower case, no default port, no dot segments, no trailing slash. So an
	 * edit that does not change where requests go does not change the tag (nor drop sessions).
	 */
	public static String canonical(URI instance) {
		URI url = instance.normalize();
		String scheme = url.getScheme().toLowerCase(Locale.ROOT);
		int port = url.getPort();
		boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
		String path = (url.getRawPath() != null) ? url.getRawPath() : "";
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path;
	}

	/**
	 * Chooses the instance for a request.
	 * @param clientSessionId the request's {@code Mcp-Session-Id}, or {@code null}
	 * @return the instance and the session id to send it, or {@code null} if the session cannot be
	 * on any instance of this route
	 */
	public Selection select(String clientSessionId) {
		if (!this.sticky) {
			return new Selection(this.instances.get(0).url(), clientSessionId, null);
		}
		if (clientSessionId == null) {
			Instance instance = this.instances.get(Math.floorMod(this.next.getAndIncrement(), this.instances.size()));
			return new Selection(instance.url(), null, instance.tag());
		}
		Instance instance = pinned(clientSessionId);
		return (instance != null)
				? new Selection(instance.url(), clientSessionId.substring(TAG_LENGTH + 1), instance.tag()) : null;
	}

	/**
	 * Whether a client's session id can belong to this route (always, with one backend). Unlike
	 * {@link #select}, never takes a turn.
	 */
	public boolean knows(String clientSessionId) {
		return !this.sticky || clientSessionId == null || pinned(clientSessionId) != null;
	}

	/** The instance a client's session id is tagged with, or {@code null}. */
	private Instance pinned(String clientSessionId) {
		if (clientSessionId.length() <= TAG_LENGTH + 1 || clientSessionId.charAt(TAG_LENGTH) != SEPARATOR) {
			return null;
		}
		return this.byTag.get(clientSessionId.substring(0, TAG_LENGTH));
	}

	static String tag(URI instance) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical(instance).getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, TAG_LENGTH);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is a required JDK algorithm", ex);
		}
	}

	private record Instance(URI url, String tag) {
	}

	/**
	 * Where one request goes.
	 *
	 * @param instance the backend endpoint
	 * @param upstreamSessionId the {@code Mcp-Session-Id} to send it, or {@code null}
	 * @param tag the instance's tag when sessions are pinned, else {@code null}
	 */
	public record Selection(URI instance, String upstreamSessionId, String tag) {

		/** The session id as the client sees it, for one the instance issued. */
		public String clientSessionId(String upstreamSessionId) {
			return (this.tag != null && !upstreamSessionId.isEmpty()) ? this.tag + SEPARATOR + upstreamSessionId
					: upstreamSessionId;
		}

	}

}
