package dev.gatehouse.routing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseRelayTests {

	private static final byte[] EVENTS = ("id: 1\ndata: " + "x".repeat(50_000) + "\n\nid: 2\ndata: done\n\n")
		.getBytes(StandardCharsets.UTF_8);

	@Test
	void relayWhenEventsLargerThanABurstThenRelayedWhole() {
		ByteArrayOutputStream client = new ByteArrayOutputStream();
		assertThat(new SseRelay(new ByteArrayInputStream(EVENTS), client, Duration.ofSeconds(15)).relay()).isTrue();
		assertThat(client.toByteArray()).isEqualTo(EVENTS);
	}

	@Test
	void relayWhenUpstreamReportsNothingAvailableThenRelayedWholeByteByByte() {
		InputStream stingy = new FilterInputStream(new ByteArrayInputStream(EVENTS)) {
			@Override
			public int available() {
				return 0;
			}
		};
		ByteArrayOutputStream client = new ByteArrayOutputStream();
		assertThat(new SseRelay(stingy, client, null).relay()).isTrue();
		assertThat(client.toByteArray()).isEqualTo(EVENTS);
	}

}
