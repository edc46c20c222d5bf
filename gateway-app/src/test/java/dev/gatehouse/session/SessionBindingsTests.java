package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class SessionBindingsTests {

	final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T00:00:00Z"));

	final Clock clock = new Clock() {

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return SessionBindingsTests.this.now.get();
		}

	};

	@Test
	void mayUseWhenSessionUnknownThenAnyoneMayAndTheUpstreamDecides() {
		SessionBindings bindings = new SessionBindings(10, Duration.ofHours(1), this.clock);
		assertThat(bindings.mayUse("route", "s1", "corp:bob")).isTrue();
	}

	@Test
	void mayUseWhenBoundThenOnlyTheOwnerMay() {
		SessionBindings bindings = new SessionBindings(10, Duration.ofHours(1), this.clock);
		bindings.bind("route", "s1", "corp:alice");
		assertThat(bindings.mayUse("route", "s1", "corp:alice")).isTrue();
		assertThat(bindings.mayUse("route", "s1", "corp:bob")).isFalse();
		assertThat(bindings.mayUse("route", "s1", "other:alice")).as("same subject, other issuer").isFalse();
		assertThat(bindings.mayUse("other-route", "s1", "corp:bob")).as("sessions are per route").isTrue();
	}

	@Test
	void bindWhenAlreadyBoundThenFirstOwnerKept() {
		SessionBindings bindings = new SessionBindings(10, Duration.ofHours(1), this.clock);
		bindings.bind("route", "s1", "corp:alice");
		bindings.bind("route", "s1", "corp:bob");
		assertThat(bindings.mayUse("route", "s1", "corp:bob")).isFalse();
	}

	@Test
	void mayUseWhenIdleLongerThanTimeoutThenBindingForgotten() {
		SessionBindings bindings = new SessionBindings(10, Duration.ofHours(1), this.clock);
		bindings.bind("route", "s1", "corp:alice");
		this.now.set(this.now.get().plus(Duration.ofMinutes(59)));
		assertThat(bindings.mayUse("route", "s1", "corp:alice")).isTrue();
		this.now.set(this.now.get().plus(Duration.ofMinutes(59)));
		assertThat(bindings.mayUse("route", "s1", "corp:bob")).as("used 59 min ago: still bound").isFalse();
		this.now.set(this.now.get().plus(Duration.ofMinutes(61)));
		assertThat(bindings.mayUse("route", "s1", "corp:bob")).isTrue();
	}

	@Test
	void bindWhenMoreSessionsThanAllowedThenLeastRecentlyUsedForgotten() {
		SessionBindings bindings = new SessionBindings(3, Duration.ofHours(1), this.clock);
		for (int i = 0; i < 5; i++) {
			this.now.set(this.now.get().plusSeconds(1));
			bindings.bind("route", "s" + i, "corp:alice");
		}
		assertThat(bindings.size()).isEqualTo(3);
		assertThat(bindings.mayUse("route", "s0", "corp:bob")).isTrue();
		assertThat(bindings.mayUse("route", "s4", "corp:bob")).isFalse();
	}

	@Test
	void unbindWhenSessionDeletedThenForgotten() {
		SessionBindings bindings = new SessionBindings(10, Duration.ofHours(1), this.clock);
		bindings.bind("route", "s1", "corp:alice");
		bindings.unbind("route", "s1");
		assertThat(bindings.mayUse("route", "s1", "corp:bob")).isTrue();
	}

}
