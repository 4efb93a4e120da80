package io.jgan.format;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes uint8 images as a standard IDX3 file, gzipped when the name ends in {@code .gz}. */
public final class IdxWriter {

    private IdxWriter() {}

    /**
     * Writes the images.
     *
     * @param file target; {@code .gz} for gzip
     * @param count number of images
     * @param rows image height
     * @param cols image width
     * @param pixels {@code count*rows*cols} bytes, 0 = black background as in MNIST
     * @throws IOException if writing fails
     */
    public static void writeImages(Path file, int count, int rows, int cols, byte[] pixels) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream os = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            writeImages(os, count, rows, cols, pixels);
        }
    }

    /**
     * Writes uint8 images as IDX3 to a stream (left open).
     *
     * @param os where to write
     * @param count number of images
     * @param rows rows per image
     * @param cols columns per image
     * @param pixels count*rows*cols bytes, row-major
     * @throws IOException if writing fails
     */
    public static void writeImages(OutputStream os, int count, int rows, int cols, byte[] pixels) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.writeInt(0x803); // magic 2051: unsigned byte, 3 dimensions (big-endian)
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(pixels);
        out.flush();
    }
}
