package dev.gatehouse.token;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Resolves every issuer (discovery, first JWKS fetch) in the background at start-up and retries
 * with capped exponential backoff until it succeeds, so that an IdP outage at start-up leaves
 * Gatehouse running but not ready, instead of failing to start or answering 5xx.
 */
public final class IssuerKeyLoader implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(IssuerKeyLoader.class);

	private static final Duration FIRST_RETRY = Duration.ofMillis(500);

	private static final Duration MAX_RETRY = Duration.ofSeconds(30);

	private final TrustedIssuers issuers;

	private final List<Thread> loaders = new ArrayList<>();

	private volatile boolean running;

	public IssuerKeyLoader(TrustedIssuers issuers) {
		this.issuers = issuers;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.issuers.all()
			.forEach((issuer) -> this.loaders
				.add(Thread.ofVirtual().name("gatehouse-issuer-" + issuer.name()).start(() -> load(issuer))));
	}

	private void load(TrustedIssuer issuer) {
		Duration wait = FIRST_RETRY;
		while (this.running && !issuer.closed()) {
			try {
				issuer.resolve();
				logger.info("Issuer {} ready: {}", issuer.name(), issuer.issuerId());
				return;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (IOException | RuntimeException | com.nimbusds.jose.KeySourceException ex) {
				logger.warn("Issuer {} not ready, retrying in {} ms: {}", issuer.name(), wait.toMillis(), describe(ex));
			}
			try {
				Thread.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			wait = (wait.multipliedBy(2).compareTo(MAX_RETRY) > 0) ? MAX_RETRY : wait.multipliedBy(2);
		}
	}

	static String describe(Exception ex) {
		// our own messages and the JDK's network messages name no secret; keep the type for the rest
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/** Stops retrying; the keys themselves stay usable until {@link TrustedIssuers#close()}. */
	@Override
	public synchronized void stop() {
		this.running = false;
		this.loaders.forEach(Thread::interrupt);
		this.loaders.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
