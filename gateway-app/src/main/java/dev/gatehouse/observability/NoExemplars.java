package dev.gatehouse.observability;

import io.prometheus.metrics.tracer.common.SpanContext;

/**
 * Keeps trace exemplars out of the Prometheus scrape while traces are not exported: they would
 * point at traces that exist nowhere, and Prometheus before 2.43 (Debian 12 ships 2.42) refuses a
 * whole scrape that has an exemplar on a histogram's {@code _count} line
 * (prometheus/prometheus#11984). Active while {@code management.tracing.export.enabled} is false (the
 * default here); with it true, Spring Boot's own exemplar support applies.
 */
public final class NoExemplars implements SpanContext {

	@Override
	public String getCurrentTraceId() {
		return null;
	}

	@Override
	public String getCurrentSpanId() {
		return null;
	}

	@Override
	public boolean isCurrentSpanSampled() {
		return false;
	}

	@Override
	public void markCurrentSpanAsExemplar() {
	}

}
