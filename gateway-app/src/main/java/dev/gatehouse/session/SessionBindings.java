package dev.gatehouse.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which principal (issuer + subject) each MCP session belongs to, per route, as the MCP security
 * best practices ask ("bind session IDs to user-specific information"). The first principal seen
 * with a session id the upstream issued owns it. In memory, per replica, bounded in size and idle
 * time: a replica that never saw a session does not know its owner, so for many replicas route
 * sessions stickily (by {@code Mcp-Session-Id}), as stateful MCP backends need anyway.
 */
public final class SessionBindings {

	private static final int SWEEP_EVERY = 1024;

	private final Map<Key, Binding> bindings = new ConcurrentHashMap<>();

	private final AtomicLong binds = new AtomicLong();

	private final int maxSessions;

	private final Duration idleTimeout;

	private final Clock clock;

	public SessionBindings(int maxSessions, Duration idleTimeout, Clock clock) {
		this.maxSessions = maxSessions;
		this.idleTimeout = idleTimeout;
		this.clock = clock;
	}

	/** @return whether {@code principal} may use the session: it owns it, or nobody here does */
	public boolean mayUse(String route, String sessionId, String principal) {
		Binding binding = this.bindings.get(new Key(route, sessionId));
		if (binding == null || expired(binding)) {
			return true;
		}
		if (!binding.owner().equals(principal)) {
			return false;
		}
		binding.touch(this.clock.millis());
		return true;
	}

	/** Records the owner of a session the upstream just issued; an existing owner is kept. */
	public void bind(String route, String sessionId, String principal) {
		this.bindings.putIfAbsent(new Key(route, sessionId), new Binding(principal, this.clock.millis()));
		if (this.binds.incrementAndGet() % SWEEP_EVERY == 0 || this.bindings.size() > this.maxSessions) {
			sweep();
		}
	}

	public void unbind(String route, String sessionId) {
		this.bindings.remove(new Key(route, sessionId));
	}

	int size() {
		return this.bindings.size();
	}

	private void sweep() {
		this.bindings.values().removeIf(this::expired);
		int excess = this.bindings.size() - this.maxSessions;
		if (excess > 0) {
			this.bindings.entrySet()
				.stream()
				.sorted(Comparator.comparingLong((entry) -> entry.getValue().lastUsed()))
				.limit(excess)
				.map(Map.Entry::getKey)
				.toList()
				.forEach(this.bindings::remove);
		}
	}

	private boolean expired(Binding binding) {
		return this.clock.millis() - binding.lastUsed() > this.idleTimeout.toMillis();
	}

	private record Key(String route, String sessionId) {
	}

	private static final class Binding {

		private final String owner;

		private volatile long lastUsed;

		Binding(String owner, long lastUsed) {
			this.owner = owner;
			this.lastUsed = lastUsed;
		}

		String owner() {
			return this.owner;
		}

		long lastUsed() {
			return this.lastUsed;
		}

		void touch(long now) {
			this.lastUsed = now;
		}

	}

}
