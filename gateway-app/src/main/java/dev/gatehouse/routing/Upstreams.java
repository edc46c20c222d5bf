package dev.gatehouse.routing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend instances of one route, and which of them serves a request. One instance: every
 * request goes there and {@code Mcp-Session-Id} passes unchanged. Several instances (for backends
 * that keep MCP sessions in memory): a request without a session goes to the next instance in
 * turn, and the session id that instance issues is handed to the client prefixed with the
 * instance's tag ({@code <tag>.<backend session id>}), so that every later request of the session
 * finds the same instance again, through any Gatehouse replica, with no state shared between
 * replicas. The tag is derived from the instance URL, so sessions survive a configuration reload
 * that keeps their instance; a session whose tag names no instance of the route does not exist.
 */
public final class Upstreams {

	/** Length of an instance tag: 48 bits of SHA-256 of the instance URL, base64url. */
	static final int TAG_LENGTH = 8;

	private static final char SEPARATOR = '.';

	private final List<URI> instances;

	private final Map<String, URI> byTag;

	private final Map<URI, String> tags;

	private final AtomicInteger next = new AtomicInteger();

	private Upstreams(List<URI> instances) {
		if (instances.isEmpty()) {
			throw new IllegalArgumentException("a route needs at least one upstream");
		}
		this.instances = List.copyOf(instances);
		this.byTag = new LinkedHashMap<>();
		this.tags = new LinkedHashMap<>();
		for (URI instance : this.instances) {
			String tag = tag(instance);
			if (this.byTag.putIfAbsent(tag, instance) != null) {
				throw new IllegalArgumentException("upstream listed twice: " + instance);
			}
			this.tags.put(instance, tag);
		}
	}

	public static Upstreams of(List<URI> instances) {
		return new Upstreams(instances);
	}

	public static Upstreams of(URI instance) {
		return new Upstreams(List.of(instance));
	}

	/** The configured instances, in order. */
	public List<URI> instances() {
		return this.instances;
	}

	/** Whether sessions are pinned to instances (more than one instance). */
	public boolean sticky() {
		return this.instances.size() > 1;
	}

	/**
	 * Chooses the instance for a request.
	 * @param clientSessionId the request's {@code Mcp-Session-Id}, or {@code null}
	 * @return the instance and the session id to send it, or {@code null} if the session cannot be
	 * on any instance of this route
	 */
	public Selection select(String clientSessionId) {
		if (!sticky()) {
			return new Selection(this.instances.get(0), clientSessionId, null);
		}
		if (clientSessionId == null) {
			URI instance = this.instances.get(Math.floorMod(this.next.getAndIncrement(), this.instances.size()));
			return new Selection(instance, null, this.tags.get(instance));
		}
		if (clientSessionId.length() <= TAG_LENGTH + 1 || clientSessionId.charAt(TAG_LENGTH) != SEPARATOR) {
			return null;
		}
		String tag = clientSessionId.substring(0, TAG_LENGTH);
		URI instance = this.byTag.get(tag);
		return (instance != null) ? new Selection(instance, clientSessionId.substring(TAG_LENGTH + 1), tag) : null;
	}

	/**
	 * Whether a client's session id can belong to this route (always, with one instance). Unlike
	 * {@link #select}, never takes a turn.
	 */
	public boolean knows(String clientSessionId) {
		return clientSessionId == null || select(clientSessionId) != null;
	}

	static String tag(URI instance) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(instance.toString().getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, TAG_LENGTH);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is a required JDK algorithm", ex);
		}
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
			return (this.tag != null) ? this.tag + SEPARATOR + upstreamSessionId : upstreamSessionId;
		}

	}

}
