package org.minespark.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finding the files that cluster tests leave in their directory, and keeping their logs. */
final class RunFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RunFiles.class);

    private RunFiles() {
    }

    /** Regular files under {@code root} (links not followed), optionally of one name. */
    static List<Path> filesNamed(Path root, String name) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> name == null || p.getFileName().toString().equals(name))
                    .toList();
        }
    }

    /**
     * Copies the runs' and the cluster's logs out of a test's temporary {@code directory}
     * into {@code minespark.logDir}/{@code testName}, when that property is set, so that
     * they can be read after the directory is gone.
     */
    static void keepLogs(Path directory, String testName) {
        String target = System.getProperty("minespark.logDir");
        if (target == null) {
            return;
        }
        Path logDir = Path.of(target, testName);
        try {
            for (Path file : filesNamed(directory, null)) {
                String name = file.getFileName().toString();
                if (name.endsWith(".log") || name.endsWith(".out") || name.endsWith(".stdout")
                        || name.endsWith(".stderr") || name.equals("stderr")
                        || name.equals("stdout")) {
                    Path copy = logDir.resolve(directory.relativize(file).toString());
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not keep the logs in {}: {}", logDir, e.toString());
        }
    }
}
