package dev.gatehouse.routing;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.hc.core5.http.ClassicHttpRequest;

/**
 * With tracing on, puts the gateway's current span into the upstream request ({@code traceparent},
 * replacing the client's), so the backend's spans hang under the gateway's; with tracing off nothing
 * is propagated and the client's trace headers pass unchanged like any other header.
 */
final class TraceHeaders {

	static final TraceHeaders NONE = new TraceHeaders(null, null);

	private final Tracer tracer;

	private final Propagator propagator;

	TraceHeaders(Tracer tracer, Propagator propagator) {
		this.tracer = tracer;
		this.propagator = propagator;
	}

	void inject(ClassicHttpRequest upstream) {
		if (this.tracer == null || this.propagator == null) {
			return;
		}
		TraceContext context = this.tracer.currentTraceContext().context();
		if (context != null) {
			this.propagator.inject(context, upstream, (carrier, name, value) -> carrier.setHeader(name, value));
		}
	}

}
