package dev.gatehouse.reload;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Reads the configuration files every poll interval and reloads when their content has changed and
 * then stayed the same for one more interval (a file written in place is not read half-written).
 * Content, not file events: a Kubernetes ConfigMap update swaps the {@code ..data} symbolic link of
 * the mounted directory, which a watch on the file itself never sees.
 */
public final class ConfigurationFileWatcher implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ConfigurationFileWatcher.class);

	private final ConfigurationReloader reloader;

	private final Duration interval;

	private final boolean enabled;

	/** What the running configuration was read from, taken as early as beans are created. */
	private String applied;

	private volatile Thread poller;

	public ConfigurationFileWatcher(ConfigurationReloader reloader, boolean enabled, Duration interval) {
		this.reloader = reloader;
		this.enabled = enabled;
		this.interval = interval;
		this.applied = reloader.fingerprint();
	}

	@Override
	public synchronized void start() {
		if (!this.enabled || this.reloader.files().isEmpty()) {
			logger.info("Configuration reload off: {}", this.enabled ? "no file: location in spring.config.additional-location"
					: "gatehouse.reload.enabled is false");
			return;
		}
		logger.info("Watching {} for configuration changes every {} ms",
				this.reloader.files().stream().map(ConfigurationFiles.File::location).toList(), this.interval.toMillis());
		this.poller = Thread.ofVirtual().name("gatehouse-config-watcher").start(this::poll);
	}

	private void poll() {
		String pending = null;
		try {
			while (!Thread.currentThread().isInterrupted()) {
				Thread.sleep(this.interval);
				String seen = this.reloader.fingerprint();
				if (seen.equals(this.applied)) {
					pending = null;
				}
				else if (seen.equals(pending)) {
					this.applied = seen;
					pending = null;
					this.reloader.reload();
				}
				else {
					pending = seen;
				}
			}
		}
		catch (InterruptedException ex) {
			// stopping
		}
		catch (RuntimeException ex) {
			logger.error("Configuration watcher stopped", ex);
		}
	}

	@Override
	public synchronized void stop() {
		Thread thread = this.poller;
		this.poller = null;
		if (thread != null) {
			thread.interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.poller != null;
	}

}
