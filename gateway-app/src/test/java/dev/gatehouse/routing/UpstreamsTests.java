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
	void selectWhenNoSessionThenInstancesTakenInTurnFromARandomStart() {
		Upstreams upstreams = Upstreams.pool(List.of(A, B, C));
		List<URI> chosen = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			chosen.add(upstreams.select(null).instance());
		}
		assertThat(chosen.subList(0, 3)).containsExactlyInAnyOrder(A, B, C);
		assertThat(chosen.subList(3, 6)).isEqualTo(chosen.subList(0, 3));
		// 60 freshly compiled pools all starting at one instance would happen with probability 3^-59
		java.util.Set<URI> firsts = new java.util.HashSet<>();
		for (int i = 0; i < 60; i++) {
			firsts.add(Upstreams.pool(List.of(A, B, C)).select(null).instance());
		}
		assertThat(firsts).hasSizeGreaterThan(1);
	}

	@Test
	void knowsWhenAskedThenTakesNoTurn() {
		Upstreams upstreams = Upstreams.pool(List.of(A, B));
		URI first = upstreams.select(null).instance();
		upstreams.knows(null);
		upstreams.knows(Upstreams.tag(A) + ".s1");
		assertThat(upstreams.select(null).instance()).isNotEqualTo(first);
	}

	@Test
	void selectWhenSessionIssuedByAnInstanceThenEveryLaterRequestReachesIt() {
		Upstreams upstreams = Upstreams.pool(List.of(A, B, C));
		upstreams.select(null);
		Selection created = upstreams.select(null);
		String client = created.clientSessionId("3f2c-backend-id");
		assertThat(client).matches("[A-Za-z0-9_-]{8}\\.3f2c-backend-id");
		for (int i = 0; i < 5; i++) {
			Selection later = upstreams.select(client);
			assertThat(later.instance()).isEqualTo(created.instance());
			assertThat(later.upstreamSessionId()).isEqualTo("3f2c-backend-id");
		}
	}

	@Test
	void selectWhenConfigurationRecompiledInAnotherOrderThenSessionsKeepTheirInstance() {
		String client = Upstreams.pool(List.of(A, B)).select(Upstreams.tag(A) + ".s1").clientSessionId("s1");
		Upstreams reloaded = Upstreams.pool(List.of(C, B, A));
		assertThat(reloaded.select(client).instance()).isEqualTo(A);
		assertThat(Upstreams.pool(List.of(B, C)).select(client)).isNull();
	}

	@Test
	void poolWhenScaledFromOneInstanceToTwoAndBackThenSessionsKeepTheirInstance() {
		String client = Upstreams.pool(List.of(A)).select(null).clientSessionId("s1");
		assertThat(client).startsWith(Upstreams.tag(A) + ".");
		Selection scaledUp = Upstreams.pool(List.of(A, B)).select(client);
		assertThat(scaledUp.instance()).isEqualTo(A);
		assertThat(scaledUp.upstreamSessionId()).isEqualTo("s1");
		String onB = Upstreams.pool(List.of(A, B)).select(Upstreams.tag(B) + ".s2").clientSessionId("s2");
		assertThat(Upstreams.pool(List.of(A)).select(onB)).isNull();
		assertThat(Upstreams.pool(List.of(A)).select(client).upstreamSessionId()).isEqualTo("s1");
	}

	@Test
	void tagWhenUrlEditedWithoutChangingTheTargetThenUnchanged() {
		String tag = Upstreams.tag(URI.create("http://mcp-0.mcp:80/mcp"));
		assertThat(Upstreams.tag(URI.create("http://mcp-0.mcp/mcp/"))).isEqualTo(tag);
		assertThat(Upstreams.tag(URI.create("HTTP://MCP-0.mcp/x/../mcp"))).isEqualTo(tag);
		assertThat(Upstreams.tag(URI.create("http://mcp-0.mcp:8080/mcp"))).isNotEqualTo(tag);
		assertThat(Upstreams.tag(URI.create("http://mcp-0.mcp/MCP"))).isNotEqualTo(tag);
	}

	@Test
	void clientSessionIdWhenBackendIssuesEmptyIdThenNotTagged() {
		assertThat(Upstreams.pool(List.of(A, B)).select(null).clientSessionId("")).isEmpty();
	}

	@Test
	void selectWhenTagUnknownOrMissingThenNoInstance() {
		Upstreams upstreams = Upstreams.pool(List.of(A, B));
		String tagOfA = Upstreams.tag(A);
		assertThat(upstreams.select("AAAAAAAA.s1")).isNull();
		assertThat(upstreams.select("plain-backend-session-id")).isNull();
		assertThat(upstreams.select(tagOfA + ".")).isNull();
		assertThat(upstreams.select(tagOfA)).isNull();
		assertThat(upstreams.select(tagOfA + "-s1")).isNull();
		assertThat(upstreams.knows(tagOfA + ".s1")).isTrue();
		assertThat(upstreams.knows("AAAAAAAA.s1")).isFalse();
		assertThat(upstreams.knows(null)).isTrue();
		assertThat(Upstreams.of(A).knows("AAAAAAAA.s1")).isTrue();
	}

	@Test
	void tagWhenDerivedThenVisibleAsciiAsMcpRequiresAndDistinctPerInstance() {
		assertThat(List.of(Upstreams.tag(A), Upstreams.tag(B), Upstreams.tag(C))).doesNotHaveDuplicates()
			.allMatch((tag) -> tag.matches("[A-Za-z0-9_-]{8}"));
	}

	@Test
	void ofWhenInstanceListedTwiceOrNoneThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Upstreams.pool(List.of(A, A)));
		assertThatIllegalArgumentException().isThrownBy(() -> Upstreams.pool(List.of()));
	}

}
