package io.jgan.spark;

import io.jgan.JganException;
import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.config.ModelConfig;
import io.jgan.engine.Natives;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part of a checkpoint that sampling needs (its manifest and G's weights, the weight average
 * when the run kept one), as bytes that Spark broadcasts once per executor. An executor writes
 * them to a local folder once, whatever the number of its tasks, and loads G from there with the
 * core's {@link Sampler}: the same code as {@code jgan sample}.
 */
public final class ShippedCheckpoint implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The executor's local copies, by content hash: written once per JVM. */
    private static final Map<String, Path> LOCAL = new ConcurrentHashMap<>();

    private final String source;
    private final String key;
    private final Map<String, byte[]> files;
    /** Driver-side only (not shipped): executors read the manifest from the files. */
    private final transient ModelConfig model;
    private final long step;

    private ShippedCheckpoint(String source, String key, Map<String, byte[]> files, ModelConfig model, long step) {
        this.source = source;
        this.key = key;
        this.files = files;
        this.model = model;
        this.step = step;
    }

    /**
     * Reads a run's newest checkpoint (or one checkpoint folder) on the driver, after loading G
     * from it once: a missing, damaged or foreign checkpoint stops here, before any task starts.
     *
     * @param runOrCheckpoint a run folder or a checkpoint folder (a local path)
     * @return what the executors need
     * @throws JganException as {@link Sampler#load} does
     */
    public static ShippedCheckpoint of(Path runOrCheckpoint) {
        Natives.load();
        Path dir = Checkpoints.resolve(runOrCheckpoint);
        CheckpointManifest manifest;
        try (Sampler s = Sampler.load(dir)) { // every check jgan sample makes
            manifest = s.manifest();
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        String part = CheckpointSchema.samplingPart(manifest.contents()) + ".tensors";
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String name : new String[] {CheckpointSchema.MANIFEST, part}) {
                byte[] bytes = Files.readAllBytes(dir.resolve(name));
                files.put(name, bytes);
                sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(bytes);
            }
            return new ShippedCheckpoint(dir.toString(), HexFormat.of().formatHex(sha.digest()), files,
                    manifest.config().model(), manifest.step());
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot read checkpoint " + dir + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Loads G on an executor from its local copy of the files (written on first use).
     *
     * @return the sampler; close it
     */
    public Sampler load() {
        Natives.load();
        return Sampler.load(LOCAL.computeIfAbsent(key, k -> writeLocal()));
    }

    private Path writeLocal() {
        try {
            Path dir = Files.createTempDirectory("jgan-checkpoint-");
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Files.write(dir.resolve(f.getKey()), f.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint's local copy: " + e.getMessage(), e);
        }
    }

    /** @return G's architecture (on the driver) */
    public ModelConfig model() {
        return model;
    }

    /** @return the checkpoint's training step */
    public long step() {
        return step;
    }

    /** @return the checkpoint folder read on the driver */
    public String source() {
        return source;
    }
}
