package dev.gatehouse.reload;

import dev.gatehouse.config.GatehouseProperties;
import dev.gatehouse.routing.RouteTable;
import dev.gatehouse.routing.Routes;
import dev.gatehouse.token.TrustedIssuers;

/**
 * One configuration, compiled: what every request is answered with. Immutable; a reload replaces it
 * as a whole ({@link ActiveConfiguration}).
 *
 * @param properties the validated configuration it was compiled from
 * @param issuers the trusted issuers, by name
 * @param routes the route table
 */
public record GatehouseRuntime(GatehouseProperties properties, TrustedIssuers issuers, RouteTable routes) {

	public static GatehouseRuntime compile(GatehouseProperties properties, TrustedIssuers issuers) {
		return new GatehouseRuntime(properties, issuers, Routes.compile(properties, issuers));
	}

}
