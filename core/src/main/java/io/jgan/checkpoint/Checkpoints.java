package io.jgan.checkpoint;

import io.jgan.JganException;
import io.jgan.format.Json;
import io.jgan.format.NamedTensor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint folders: {@code RUN/checkpoints/step-00001000/} holding {@code checkpoint.json} and
 * one {@code .tensors} file per part.
 *
 * <p>Writes are atomic: everything goes into a hidden temporary folder, each file is forced to
 * disk, then the folder is renamed into place. A reader therefore sees a complete checkpoint or
 * none; a crash leaves only a {@code .tmp} folder, ignored and cleaned up by the next save.
 */
public final class Checkpoints {

    /** A checkpoint folder's name before its zero-padded step. */
    private static final String STEP_PREFIX = "step-";
    private static final Pattern STEP_DIR = Pattern.compile(STEP_PREFIX + "(\\d+)");

    private Checkpoints() {}

    /**
     * Saves a checkpoint atomically and keeps only the newest {@code keep} of the run.
     *
     * @param checkpointsDir {@code RUN/checkpoints}
     * @param manifest what it is
     * @param parts tensor files by part name, in order
     * @param keep how many checkpoints to keep (at least 1)
     * @param files plain files copied in under their own names (the metrics log so far); missing
     *     ones are skipped
     * @return the checkpoint folder
     */
    public static Path save(Path checkpointsDir, CheckpointManifest manifest, Map<String, List<NamedTensor>> parts,
            int keep, List<Path> files) {
        String name = String.format(STEP_PREFIX + "%08d", manifest.step());
        Path target = checkpointsDir.resolve(name);
        Path tmp = checkpointsDir.resolve("." + name + ".tmp");
        try {
            Files.createDirectories(checkpointsDir);
            deleteTree(tmp);
            Files.createDirectory(tmp);
            for (Map.Entry<String, List<NamedTensor>> part : parts.entrySet()) {
                TensorFile.write(tmp.resolve(part.getKey() + ".tensors"), part.getValue());
            }
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    Path copy = tmp.resolve(f.getFileName());
                    Files.copy(f, copy);
                    force(copy);
                }
            }
            Path manifestFile = tmp.resolve(CheckpointSchema.MANIFEST);
            Files.write(manifestFile, Json.MAPPER.writeValueAsBytes(manifest), StandardOpenOption.CREATE_NEW);
            force(manifestFile);
            force(tmp);
            deleteTree(target); // a re-save of the same step replaces it
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            force(checkpointsDir);
            prune(checkpointsDir, keep);
            return target;
        } catch (IOException e) {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // best effort: the .tmp folder is ignored by readers and removed by the next save
            }
            throw new JganException(JganException.IO,
                    "cannot write checkpoint in " + checkpointsDir + ": " + e.getMessage()
                            + " (check free disk space and permissions; earlier checkpoints are intact)", e);
        }
    }

    /**
     * Resolves a run folder or a checkpoint folder to a checkpoint folder.
     *
     * @param path {@code RUN}, {@code RUN/checkpoints} or {@code RUN/checkpoints/step-N}
     * @return the newest complete checkpoint folder
     * @throws JganException if there is none
     */
    public static Path resolve(Path path) {
        if (Files.isRegularFile(path.resolve(CheckpointSchema.MANIFEST))) {
            return path;
        }
        Path dir = Files.isDirectory(path.resolve("checkpoints")) ? path.resolve("checkpoints") : path;
        if (!Files.isDirectory(dir)) {
            throw new JganException(JganException.BAD_CHECKPOINT,
                    "checkpoint not found: " + path + " (give --checkpoint a run folder written by `jgan train`)");
        }
        return latest(dir).orElseThrow(() -> new JganException(JganException.BAD_CHECKPOINT,
                "no complete checkpoint in " + dir + " (the run may have stopped before its first checkpoint)"));
    }

    /**
     * The step a checkpoint folder holds, from its name ({@code step-N}, as {@link #save} names it).
     *
     * @param checkpointDir a checkpoint folder
     * @return N, or -1 for a folder not named so
     */
    public static long stepOf(Path checkpointDir) {
        Matcher m = STEP_DIR.matcher(checkpointDir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Finds the newest complete checkpoint of a checkpoints folder.
     *
     * @param checkpointsDir {@code RUN/checkpoints}
     * @return the folder, if any
     */
    public static Optional<Path> latest(Path checkpointsDir) {
        if (!Files.isDirectory(checkpointsDir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(checkpointsDir)) {
            return s.filter(p -> STEP_DIR.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(CheckpointSchema.MANIFEST)))
                    .max(Comparator.comparingLong(Checkpoints::stepOf));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads and checks a checkpoint's manifest.
     *
     * @param checkpointDir a checkpoint folder
     * @return the manifest
     * @throws JganException if it is unreadable or of another format version
     */
    public static CheckpointManifest readManifest(Path checkpointDir) {
        Path file = checkpointDir.resolve(CheckpointSchema.MANIFEST);
        CheckpointManifest m;
        try {
            m = Json.MAPPER.readValue(file.toFile(), CheckpointManifest.class);
        } catch (IOException e) {
            throw new JganException(JganException.BAD_CHECKPOINT,
                    "unreadable checkpoint manifest " + file + ": " + firstLine(e.getMessage()), e);
        }
        if (m == null || !CheckpointSchema.FORMAT.equals(m.format())) {
            throw new JganException(JganException.BAD_CHECKPOINT, file + " is not a jgan checkpoint manifest");
        }
        if (m.formatVersion() != CheckpointSchema.FORMAT_VERSION) {
            throw new JganException(JganException.BAD_CHECKPOINT,
                    "checkpoint " + checkpointDir + " has format version " + m.formatVersion()
                            + " but this jgan reads version " + CheckpointSchema.FORMAT_VERSION + ": use the jgan version that wrote it ("
                            + m.jganVersion() + ")");
        }
        if (m.config() == null || m.contents() == null) {
            throw new JganException(JganException.BAD_CHECKPOINT, file + " lacks its config or contents list");
        }
        return m;
    }

    /**
     * Reads one tensor part of a checkpoint.
     *
     * @param checkpointDir the folder
     * @param part e.g. {@code generator}
     * @return its tensors
     */
    public static List<NamedTensor> readPart(Path checkpointDir, String part) {
        Path file = checkpointDir.resolve(part + ".tensors");
        if (!Files.isRegularFile(file)) {
            throw new JganException(JganException.BAD_CHECKPOINT,
                    "checkpoint " + checkpointDir + " has no " + part + " (missing " + file.getFileName() + ")");
        }
        return TensorFile.read(file);
    }

    /**
     * Replaces a run's file with the copy a checkpoint holds under the same name ({@code save}'s
     * {@code files}), atomically. Nothing happens without a checkpoint or without a copy in it.
     *
     * @param checkpointDir the checkpoint a run resumes from, or {@code null}
     * @param target the run's file, e.g. {@code RUN/metrics.csv}
     * @throws IOException if copying fails
     */
    public static void restoreFile(Path checkpointDir, Path target) throws IOException {
        Path saved = checkpointDir != null ? checkpointDir.resolve(target.getFileName()) : null;
        if (saved != null && Files.isRegularFile(saved)) {
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.copy(saved, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void prune(Path checkpointsDir, int keep) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(checkpointsDir)) {
            all = s.filter(p -> STEP_DIR.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(Checkpoints::stepOf).reversed())
                    .toList();
        }
        for (int i = Math.max(1, keep); i < all.size(); i++) {
            // manifest first: a deletion cut short by a kill leaves a folder readers skip as incomplete
            Files.deleteIfExists(all.get(i).resolve(CheckpointSchema.MANIFEST));
            deleteTree(all.get(i));
        }
    }

    private static void force(Path p) {
        // fsync a file, or a folder so its new entries survive a crash (not possible on every OS)
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // directories cannot be opened for fsync on some platforms; the rename is still atomic
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
