package dev.gatehouse.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.gatehouse.routing.Upstreams.Selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UpstreamsTests {

	private static final URI A = URI.create("http://mcp-0.mcp:8080/mcp");

	private static final URI B = URI.create("http://mcp-1.mcp:8080/mcp");

	private static final URI C = URI.create("http://mcp-2.mcp:8080/mcp");

	@Test
	void selectWhenOneInstanceThenSessionIdPassesUnchanged() {
		Upstreams upstreams = Upstreams.of(A);
		assertThat(upstreams.sticky()).isFalse();
		Selection selection = upstreams.select("any-session.with-dots");
		assertThat(selection.instance()).isEqualTo(A);
		assertThat(selection.upstreamSessionId()).isEqualTo("any-session.with-dots");
		assertThat(selection.clientSessionId("issued")).isEqualTo("issued");
		assertThat(upstreams.select(null).upstreamSessionId()).isNull();
	}

	@Test
	void selectWhenNoSessionThenInstancesTakenInTurn() {
		Upstreams upstreams = Upstreams.of(List.of(A, B, C));
		List<URI> chosen = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			chosen.add(upstreams.select(null).instance());
		}
		assertThat(chosen).containsExactly(A, B, C, A, B, C);
	}

	@Test
	void knowsWhenAskedThenTakesNoTurn() {
		Upstreams upstreams = Upstreams.of(List.of(A, B));
		assertThat(upstreams.select(null).instance()).isEqualTo(A);
		upstreams.knows(null);
		upstreams.knows(Upstreams.tag(A) + ".s1");
		assertThat(upstreams.select(null).instance()).isEqualTo(B);
	}

	@Test
	void selectWhenSessionIssuedByAnInstanceThenEveryLaterRequestReachesIt() {
		Upstreams upstreams = Upstreams.of(List.of(A, B, C));
		upstreams.select(null);
		Selection created = upstreams.select(null);
		String client = created.clientSessionId("3f2c-backend-id");
		assertThat(client).matches("[A-Za-z0-9_-]{8}\\.3f2c-backend-id");
		for (int i = 0; i < 5; i++) {
			Selection later = upstreams.select(client);
			assertThat(later.instance()).isEqualTo(B);
			assertThat(later.upstreamSessionId()).isEqualTo("3f2c-backend-id");
		}
	}

	@Test
	void selectWhenConfigurationRecompiledInAnotherOrderThenSessionsKeepTheirInstance() {
		String client = Upstreams.of(List.of(A, B)).select(null).clientSessionId("s1");
		Upstreams reloaded = Upstreams.of(List.of(C, B, A));
		assertThat(reloaded.select(client).instance()).isEqualTo(A);
		assertThat(Upstreams.of(List.of(B, C)).select(client)).isNull();
	}

	@Test
	void selectWhenTagUnknownOrMissingThenNoInstance() {
		Upstreams upstreams = Upstreams.of(List.of(A, B));
		String tagOfA = Upstreams.tag(A);
		assertThat(upstreams.select("AAAAAAAA.s1")).isNull();
		assertThat(upstreams.select("plain-backend-session-id")).isNull();
		assertThat(upstreams.select(tagOfA + ".")).isNull();
		assertThat(upstreams.select(tagOfA)).isNull();
		assertThat(upstreams.select(tagOfA + "-s1")).isNull();
		assertThat(upstreams.knows(tagOfA + ".s1")).isTrue();
		assertThat(upstreams.knows(null)).isTrue();
	}

	@Test
	void tagWhenDerivedThenVisibleAsciiAsMcpRequiresAndDistinctPerInstance() {
		assertThat(List.of(Upstreams.tag(A), Upstreams.tag(B), Upstreams.tag(C))).doesNotHaveDuplicates()
			.allMatch((tag) -> tag.matches("[A-Za-z0-9_-]{8}"));
	}

	@Test
	void ofWhenInstanceListedTwiceOrNoneThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Upstreams.of(List.of(A, A)));
		assertThatIllegalArgumentException().isThrownBy(() -> Upstreams.of(List.of()));
	}

}
