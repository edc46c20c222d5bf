package dev.gatehouse.reload;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The configuration in force: one reference to an immutable {@link GatehouseRuntime}, swapped as a
 * whole by a reload. Request code reads it once, when it resolves the request's route, and keeps
 * that route to the end of the request. Closing it closes the issuers in force (after the web
 * server has stopped).
 */
public final class ActiveConfiguration implements Supplier<GatehouseRuntime>, AutoCloseable {

	private final AtomicReference<GatehouseRuntime> current;

	public ActiveConfiguration(GatehouseRuntime initial) {
		this.current = new AtomicReference<>(initial);
	}

	@Override
	public GatehouseRuntime get() {
		return this.current.get();
	}

	/** @return the configuration replaced */
	GatehouseRuntime swap(GatehouseRuntime next) {
		return this.current.getAndSet(next);
	}

	/**
	 * Something derived from the configuration in force (e.g. the allowed hosts), derived once per
	 * configuration: {@code derive} runs again only after a swap.
	 */
	public <T> Supplier<T> view(Function<GatehouseRuntime, T> derive) {
		return new Supplier<>() {

			private volatile Derived<T> last;

			@Override
			public T get() {
				GatehouseRuntime runtime = ActiveConfiguration.this.current.get();
				Derived<T> derived = this.last;
				if (derived == null || derived.runtime() != runtime) {
					derived = new Derived<>(runtime, derive.apply(runtime));
					this.last = derived;
				}
				return derived.value();
			}

		};
	}

	@Override
	public void close() {
		this.current.get().issuers().close();
	}

	private record Derived<T>(GatehouseRuntime runtime, T value) {
	}

}
