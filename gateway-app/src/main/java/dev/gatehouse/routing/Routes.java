package dev.gatehouse.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.gatehouse.config.GatehouseProperties;
import dev.gatehouse.config.RouteProperties;
import dev.gatehouse.rules.ClaimRule;
import dev.gatehouse.rules.RoutePolicy;
import dev.gatehouse.token.TrustedIssuers;

/** Compiles validated route properties into the immutable {@link RouteTable}. */
public final class Routes {

	private Routes() {
	}

	public static RouteTable compile(GatehouseProperties properties, TrustedIssuers issuers) {
		String origin = publicOrigin(properties);
		List<Route> routes = new ArrayList<>();
		properties.routes().forEach((id, route) -> routes.add(compile(id, route, origin, issuers)));
		String rootName = properties.rootMetadataRoute();
		Route root = routes.stream()
			.filter((route) -> (rootName != null) ? route.id().equals(rootName) : routes.size() == 1)
			.findFirst()
			.orElse(null);
		return new RouteTable(routes, root);
	}

	/** {@code public-url} without a trailing slash: the origin every published URL starts with. */
	public static String publicOrigin(GatehouseProperties properties) {
		String url = properties.publicUrl().toString();
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	private static Route compile(String id, RouteProperties route, String origin, TrustedIssuers issuers) {
		String resource = origin + route.path();
		Set<String> audiences = (route.allowedAudiences() != null) ? Set.copyOf(route.allowedAudiences()) : Set.of(resource);
		RoutePolicy policy = new RoutePolicy(audiences, Set.copyOf(route.allowedClients()), Set.copyOf(route.allowedScopes()),
				Set.copyOf(route.requiredScopes()), route.claims().stream().map(ClaimRule::compile).toList());
		Upstreams upstreams = (route.upstream() != null) ? Upstreams.of(route.upstream()) : Upstreams.pool(route.upstreams());
		return new Route(id, route.path(), upstreams, resource, origin + Route.METADATA_PATH + route.path(),
				route.issuers().stream().map(issuers::get).toList(), policy, route.resourceName());
	}

}
