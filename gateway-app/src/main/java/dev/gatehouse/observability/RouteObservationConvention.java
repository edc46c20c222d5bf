package dev.gatehouse.observability;

import io.micrometer.common.KeyValues;

import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;

import dev.gatehouse.routing.RequestRoute;
import dev.gatehouse.routing.Route;

/**
 * Adds the Gatehouse route id ({@code gatehouse.route}, {@code none} outside routes) to
 * {@code http.server.requests}, so latency and status can be read per route.
 */
public final class RouteObservationConvention extends DefaultServerRequestObservationConvention {

	@Override
	public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
		Route route = RequestRoute.of(context.getCarrier());
		return super.getLowCardinalityKeyValues(context).and("gatehouse.route", (route != null) ? route.id() : "none");
	}

}
