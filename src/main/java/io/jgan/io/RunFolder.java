package io.jgan.io;

import io.jgan.JganException;
import io.jgan.config.GanConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One folder per training run:
 *
 * <pre>
 * RUN/config.json        the full config
 * RUN/metrics.csv        one row per iteration
 * RUN/grids/step-*.png   G(fixed noise) through time
 * RUN/progress.gif       those grids as an animation
 * RUN/training.png       loss and D-output curves
 * RUN/checkpoints/step-N complete, self-describing checkpoints
 * </pre>
 *
 * @param dir the run's folder
 */
public record RunFolder(Path dir) {

    /**
     * Creates a run folder, checking up front that it can be written (so a long run does not fail
     * at its first grid).
     *
     * @param out the folder to use, or {@code null} for {@code runs/<time>-<model>}
     * @param model the model family, for the default name
     * @return the folder
     * @throws JganException if it exists and is not empty, or cannot be written
     */
    public static RunFolder create(Path out, String model) {
        Path dir = out != null ? out
                : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + model);
        requireNewOrEmpty(dir);
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", "");
            Files.delete(probe);
        } catch (IOException e) {
            throw new JganException(JganException.IO,
                    "cannot write to output folder " + dir + " (" + e.getClass().getSimpleName() + ": "
                            + e.getMessage() + "): choose a writable --out");
        }
        return new RunFolder(dir);
    }

    /**
     * Checks, without creating anything, that a folder a command will fill is new or empty.
     *
     * @param dir the folder
     * @throws JganException exit 2 if it holds anything, 5 if it is a file or cannot be listed
     */
    public static void requireNewOrEmpty(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new JganException(JganException.IO, "cannot write to output folder " + dir + ": it is a file");
        }
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new JganException(JganException.USAGE,
                            "output folder " + dir + " is not empty: choose another --out or delete it");
                }
            } catch (IOException e) {
                throw new JganException(JganException.IO, "cannot read output folder " + dir + ": " + e.getMessage());
            }
        }
    }

    /**
     * Writes {@code config.json}.
     *
     * @param config the run's config
     */
    public void writeConfig(GanConfig config) {
        try {
            Files.write(dir.resolve("config.json"), Json.MAPPER.writeValueAsBytes(config));
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + dir.resolve("config.json") + ": " + e.getMessage());
        }
    }

    /** @return {@code RUN/grids} */
    public Path grids() {
        return dir.resolve("grids");
    }

    /** @return {@code RUN/checkpoints} */
    public Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    /** @return {@code RUN/metrics.csv} */
    public Path metrics() {
        return dir.resolve("metrics.csv");
    }
}
