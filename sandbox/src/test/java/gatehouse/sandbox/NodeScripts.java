package gatehouse.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the end-to-end scripts in {@code src/test/e2e} (installed by {@code npm ci} in the build) with
 * Node, bounded in time, and returns what they printed.
 */
final class NodeScripts {

	static final Path DIR = Path.of(System.getProperty("e2e.dir", "src/test/e2e")).toAbsolutePath();

	/** What a script printed and how it ended. */
	record Result(int exitCode, String output) {

		@Override
		public String toString() {
			return "exit " + this.exitCode + "\n" + this.output;
		}

	}

	private NodeScripts() {
	}

	static Result run(Duration timeout, Map<String, String> environment, String... command) {
		List<String> commandLine = new ArrayList<>(List.of(command));
		ProcessBuilder builder = new ProcessBuilder(commandLine).directory(DIR.toFile()).redirectErrorStream(true);
		builder.environment().putAll(environment);
		try {
			Process process = builder.start();
			InputStream out = process.getInputStream();
			StringBuilder output = new StringBuilder();
			Thread reader = Thread.ofVirtual().start(() -> {
				try {
					output.append(new String(out.readAllBytes(), StandardCharsets.UTF_8));
				}
				catch (IOException ex) {
					output.append("[output unreadable: ").append(ex.getMessage()).append(']');
				}
			});
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				stop(process);
				reader.join(2000);
				return new Result(-1, output + "\n[timed out after " + timeout + "]");
			}
			reader.join(5000);
			return new Result(process.exitValue(), output.toString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + commandLine, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Starts a long-running Node process (a server); stop it with {@link #stop(Process)}. */
	static Process start(Map<String, String> environment, Path log, String... command) {
		ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		try {
			return builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + List.of(command), ex);
		}
	}

	static void stop(Process process) {
		process.descendants().forEach(ProcessHandle::destroy);
		process.destroy();
		try {
			if (!process.waitFor(5, TimeUnit.SECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
