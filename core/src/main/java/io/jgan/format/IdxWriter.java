package io.jgan.format;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes uint8 images as IDX, gzipped when the name ends in {@code .gz}: gray images as the
 * standard rank-3 file (n, rows, cols) MNIST uses; colour ones as rank 4 (n, channels, rows,
 * cols), PyTorch's (N, C, H, W) order, magic 0x00000804.
 */
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
        writeImages(file, count, 1, rows, cols, pixels);
    }

    /**
     * Writes gray or colour images.
     *
     * @param file target; {@code .gz} for gzip
     * @param count number of images
     * @param channels 1 (a rank-3 file) or more (rank 4)
     * @param rows image height
     * @param cols image width
     * @param pixels {@code count*channels*rows*cols} bytes, (N, C, H, W), 0 = black
     * @throws IOException if writing fails
     */
    public static void writeImages(Path file, int count, int channels, int rows, int cols, byte[] pixels)
            throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream os = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            writeImages(os, count, channels, rows, cols, pixels);
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
        writeImages(os, count, 1, rows, cols, pixels);
    }

    /**
     * Writes gray (rank 3) or colour (rank 4) uint8 images to a stream (left open).
     *
     * @param os where to write
     * @param count number of images
     * @param channels channels per image
     * @param rows rows per image
     * @param cols columns per image
     * @param pixels count*channels*rows*cols bytes, (N, C, H, W)
     * @throws IOException if writing fails
     */
    public static void writeImages(OutputStream os, int count, int channels, int rows, int cols, byte[] pixels)
            throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.writeInt(channels == 1 ? 0x803 : 0x804); // unsigned byte, 3 or 4 dimensions (big-endian)
        out.writeInt(count);
        if (channels != 1) {
            out.writeInt(channels);
        }
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(pixels);
        out.flush();
    }
}
