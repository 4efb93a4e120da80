package io.jgan.sample;

import io.jgan.JganException;
import io.jgan.checkpoint.RunFolder;
import io.jgan.config.ModelConfig;
import io.jgan.format.ImageGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples as a folder of PNG files, one a sample, any channel count ({@code jgan sample --format
 * dir}): {@code 000000.png}, {@code 000001.png}, ... or, from a conditional generator,
 * {@code 000000-class-3.png}, so the index and the class travel with each file. Read back by
 * anything that reads an image folder.
 */
public final class SampleFolder {

    private SampleFolder() {}

    /**
     * A sample's file name.
     *
     * @param index the sample's index
     * @param label its class, or -1 for an unconditional generator
     * @return the name
     */
    public static String name(long index, int label) {
        return label < 0 ? String.format("%06d.png", index) : String.format("%06d-class-%d.png", index, label);
    }

    /**
     * Writes samples into a new or empty folder.
     *
     * @param dir the folder (created; it must be new or empty)
     * @param m the generator's model (shape and pixel range)
     * @param x (n, dataDim) samples in the model's range
     * @param n how many
     * @param labels each sample's class, or null for an unconditional generator
     * @throws JganException (usage) for a folder that holds anything, (io) if it cannot be written
     */
    public static void write(Path dir, ModelConfig m, float[] x, int n, int[] labels) {
        RunFolder.requireNewOrEmpty(dir);
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < n; i++) {
                ImageGrid.writePng(dir.resolve(name(i, labels == null ? -1 : labels[i])), ImageGrid.single(m, x, i));
            }
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + dir + ": " + e.getMessage());
        }
    }
}
