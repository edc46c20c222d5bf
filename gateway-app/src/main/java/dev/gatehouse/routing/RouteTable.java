package dev.gatehouse.routing;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the route for a request path. A route owns its path and every path below it, segment-wise
 * ({@code /mcp/jira} owns {@code /mcp/jira/x} but not {@code /mcp/jiraX}); configuration validation
 * guarantees no two routes overlap, so a path has at most one owner. Paths are compared as sent
 * (raw, not decoded): Spring Security's strict firewall has already refused encoded separators and
 * dot segments.
 */
public final class RouteTable {

	private final Map<String, Route> byPath;

	private final Route rootMetadataRoute;

	public RouteTable(List<Route> routes, Route rootMetadataRoute) {
		Map<String, Route> map = new LinkedHashMap<>();
		routes.forEach((route) -> map.put(route.path(), route));
		this.byPath = Map.copyOf(map);
		this.rootMetadataRoute = rootMetadataRoute;
	}

	/** @return the route owning {@code path}, or {@code null} */
	public Route match(String path) {
		String candidate = path;
		while (candidate.length() > 1) {
			Route route = this.byPath.get(candidate);
			if (route != null) {
				return route;
			}
			candidate = candidate.substring(0, candidate.lastIndexOf('/'));
		}
		return null;
	}

	/**
	 * @param path a request path under {@link Route#METADATA_PATH}
	 * @return the route whose metadata document lives at {@code path}, or {@code null}
	 */
	public Route matchMetadata(String path) {
		if (path.equals(Route.METADATA_PATH) || path.equals(Route.METADATA_PATH + "/")) {
			return this.rootMetadataRoute;
		}
		if (path.startsWith(Route.METADATA_PATH + "/")) {
			return this.byPath.get(path.substring(Route.METADATA_PATH.length()));
		}
		return null;
	}

	public Collection<Route> routes() {
		return this.byPath.values();
	}

}
