package dev.gatehouse.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A directory laid out as the kubelet mounts a ConfigMap: the file is a symbolic link
 * {@code <name> -> ..data/<name>}, {@code ..data} a link to a timestamped directory, and an update
 * writes a new timestamped directory and swaps {@code ..data} by an atomic rename. The file itself is
 * never written, so only a watcher that reads its content sees the change.
 */
public final class ConfigMapVolume {

	private final Path directory;

	private final String name;

	private int version;

	public ConfigMapVolume(Path directory, String name, String content) {
		this.directory = directory;
		this.name = name;
		try {
			Files.createDirectories(directory);
			for (Path stale : Files.list(directory).toList()) {
				delete(stale);
			}
			update(content);
			Files.createSymbolicLink(directory.resolve(name), Path.of("..data", name));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The mounted file, as Gatehouse is given it. */
	public Path file() {
		return this.directory.resolve(this.name);
	}

	/** Publishes new content the way the kubelet does. */
	public synchronized void update(String content) {
		try {
			Path data = this.directory.resolve("..v" + (++this.version));
			Files.createDirectories(data);
			Files.writeString(data.resolve(this.name), content, StandardCharsets.UTF_8);
			Path link = this.directory.resolve("..data_tmp");
			Files.deleteIfExists(link);
			Files.createSymbolicLink(link, data.getFileName());
			Files.move(link, this.directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
					StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void delete(Path path) throws IOException {
		if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
			for (Path child : Files.list(path).toList()) {
				delete(child);
			}
		}
		Files.delete(path);
	}

}
