package io.jgan.checkpoint;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.format.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern GRID = Pattern.compile("step-(\\d+)\\.png");
    /** The checkpoints' folder in a run. */
    static final String CHECKPOINTS = "checkpoints";
    /** Where pix2pix runs kept their pairs' direction before it was part of the data config. */
    static final String LEGACY_PAIRS_FILE = "pix2pix.json";

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

    /**
     * The run a checkpoint folder belongs to: {@code RUN/checkpoints/step-N} is in {@code RUN}.
     *
     * @param checkpointDir a checkpoint folder
     * @return its run
     * @throws JganException (bad checkpoint) if it does not lie in a run's {@code checkpoints/}
     */
    public static RunFolder ofCheckpoint(Path checkpointDir) {
        Path dir = checkpointDir.getNameCount() >= 3 ? checkpointDir : checkpointDir.toAbsolutePath();
        Path checkpoints = dir.getParent();
        if (checkpoints == null || checkpoints.getParent() == null
                || !checkpoints.getFileName().toString().equals(CHECKPOINTS)) {
            throw new JganException(JganException.BAD_CHECKPOINT, "checkpoint " + checkpointDir + " is not in a run"
                    + " folder (RUN/checkpoints/step-N): give the run folder");
        }
        return new RunFolder(checkpoints.getParent());
    }

    /**
     * The data config with the pairs' direction of a pix2pix run made before the direction was
     * part of the config, when it kept it in the side file {@code pix2pix.json}.
     *
     * @param data the run's data config
     * @return it, with the side file's direction when it has none and the file says one
     * @throws JganException (bad checkpoint) if the side file cannot be read
     */
    public DataConfig pairDirection(DataConfig data) {
        Path f = dir.resolve(LEGACY_PAIRS_FILE);
        if (data.direction() != null || !Files.isRegularFile(f)) {
            return data;
        }
        try {
            return data.withDirection(Json.MAPPER.readTree(f.toFile()).path("direction").asText(DataConfig.A_TO_B));
        } catch (IOException e) {
            throw new JganException(JganException.BAD_CHECKPOINT, "unreadable " + f + ": " + e.getMessage());
        }
    }

    /**
     * A grid's file name.
     *
     * @param step the step it shows
     * @return {@code step-N.png}, N zero-padded to 8 digits (names sort in step order)
     */
    public static String gridName(long step) {
        return String.format("step-%08d.png", step);
    }

    /**
     * The step a grid file shows, from its name.
     *
     * @param grid a file named by {@link #gridName}
     * @return the step, or -1 if the name is not a grid's
     */
    public static long gridStep(Path grid) {
        Matcher m = GRID.matcher(grid.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** @return {@code RUN/grids} */
    public Path grids() {
        return dir.resolve("grids");
    }

    /** @return {@code RUN/checkpoints} */
    public Path checkpoints() {
        return dir.resolve(CHECKPOINTS);
    }

    /** @return {@code RUN/metrics.csv} */
    public Path metrics() {
        return dir.resolve("metrics.csv");
    }
}
