package io.jgan.data;

import io.jgan.JganException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads unsigned-byte IDX files (the MNIST format), gzipped or raw.
 *
 * <p>Every check happens before a large allocation: the magic number, the header dimensions
 * against a hard cap, and (for raw files) the header against the file size. A gzipped file is
 * read to exactly the size its header promises, then checked for trailing data. A bad file is
 * reported as a {@link JganException} naming the file, the problem and the fix; it never ends
 * in an {@link OutOfMemoryError}.
 */
public final class IdxReader {

    /** IDX magic of a uint8 rank-3 tensor (images): 0x00000803. */
    public static final int IMAGES_MAGIC = 0x803;
    /** IDX magic of a uint8 rank-4 tensor (colour images, (N, C, H, W) as jgan writes them): 0x00000804. */
    public static final int COLOUR_IMAGES_MAGIC = 0x804;
    /** IDX magic of a uint8 rank-1 tensor (labels): 0x00000801. */
    public static final int LABELS_MAGIC = 0x801;
    /** Largest payload accepted: 1 GiB, ten times full MNIST's 47 MB. */
    static final long MAX_BYTES = 1L << 30;

    private IdxReader() {}

    /**
     * Reads an images file: magic 2051, then n, rows, cols, then n*rows*cols bytes.
     *
     * @param file a {@code .gz} or raw IDX3 file
     * @return the images
     * @throws JganException if the file is missing, unreadable or malformed
     */
    public static ImageSet readImages(Path file) {
        try (DataInputStream in = open(file)) {
            return readImages(in, file.toString(), rawSize(file));
        } catch (IOException e) {
            throw ioProblem(file, e);
        }
    }

    /**
     * Reads a gzipped images file from a stream (the embedded data set on the classpath).
     *
     * @param gzipped the gzip stream; closed by this method
     * @param name the name used in error messages
     * @return the images
     */
    public static ImageSet readImages(InputStream gzipped, String name) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(gzipped, 1 << 16)))) {
            return readImages(in, name, -1);
        } catch (IOException e) {
            throw new JganException(JganException.BAD_DATA, "cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static ImageSet readImages(DataInputStream in, String file, long rawSize) throws IOException {
        int magic = readHeaderInt(in, file);
        if (magic != IMAGES_MAGIC && magic != COLOUR_IMAGES_MAGIC) {
            throw bad(file, "magic number " + magic + " is not an IDX images file (expected "
                    + IMAGES_MAGIC + ", or " + COLOUR_IMAGES_MAGIC + " for colour)" + magicHint(magic));
        }
        long n = Integer.toUnsignedLong(readHeaderInt(in, file));
        long channels = magic == COLOUR_IMAGES_MAGIC ? Integer.toUnsignedLong(readHeaderInt(in, file)) : 1;
        if (channels != 1 && channels != 3) {
            throw bad(file, "header says " + channels + " channels: jgan reads 1 (gray) or 3 (RGB)");
        }
        long rows = Integer.toUnsignedLong(readHeaderInt(in, file));
        long cols = Integer.toUnsignedLong(readHeaderInt(in, file));
        if (n == 0 || rows == 0 || cols == 0) {
            throw bad(file, "header says " + n + " images of " + rows + "x" + cols + ": the file is empty");
        }
        long size = n * rows * cols; // each factor < 2^32, but the product may overflow: check stepwise
        if (rows > 4096 || cols > 4096 || n > MAX_BYTES || size > MAX_BYTES || size / n != rows * cols
                || size * channels > MAX_BYTES) {
            throw bad(file, "header dimensions " + n + " x " + (channels > 1 ? channels + " x " : "") + rows + " x "
                    + cols + " are absurd (more than 1 GiB or sides over 4096): the header is corrupt");
        }
        checkRawSize(file, rawSize, (channels > 1 ? 20 : 16) + size * channels);
        byte[] pixels = readPayload(in, file, size * channels);
        return new ImageSet((int) n, (int) channels, (int) rows, (int) cols, pixels);
    }

    /**
     * Reads a labels file: magic 2049, then n, then n bytes.
     *
     * @param file a {@code .gz} or raw IDX1 file
     * @return the labels, one byte each
     * @throws JganException if the file is missing, unreadable or malformed
     */
    public static byte[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            return readLabels(in, file.toString(), rawSize(file));
        } catch (IOException e) {
            throw ioProblem(file, e);
        }
    }

    /**
     * Reads a gzipped labels file from a stream (the embedded data set on the classpath).
     *
     * @param gzipped the gzip stream; closed by this method
     * @param name the name used in error messages
     * @return the labels
     */
    public static byte[] readLabels(InputStream gzipped, String name) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(gzipped, 1 << 16)))) {
            return readLabels(in, name, -1);
        } catch (IOException e) {
            throw new JganException(JganException.BAD_DATA, "cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readLabels(DataInputStream in, String file, long rawSize) throws IOException {
        int magic = readHeaderInt(in, file);
        if (magic != LABELS_MAGIC) {
            throw bad(file, "magic number " + magic + " is not an IDX labels file (expected "
                    + LABELS_MAGIC + ")" + magicHint(magic));
        }
        long n = Integer.toUnsignedLong(readHeaderInt(in, file));
        if (n == 0 || n > MAX_BYTES) {
            throw bad(file, "header says " + n + " labels: the header is corrupt");
        }
        checkRawSize(file, rawSize, 8 + n);
        return readPayload(in, file, n);
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new JganException(JganException.BAD_DATA,
                    "data file not found: " + file + " (give --data a folder with MNIST-layout IDX files,"
                            + " e.g. train-images-idx3-ubyte.gz)");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (isGzip(file)) {
            try {
                return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
            } catch (ZipException e) {
                raw.close();
                throw bad(file, "is not a valid gzip file (" + e.getMessage() + "): re-download it or gunzip it");
            }
        }
        if (file.getFileName().toString().endsWith(".gz")) {
            raw.close();
            throw bad(file, "ends in .gz but is not gzip-compressed: rename it without .gz or re-download it");
        }
        return new DataInputStream(raw);
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** The size of an uncompressed file, or -1 for a gzipped one (its size says nothing). */
    private static long rawSize(Path file) throws IOException {
        return isGzip(file) ? -1 : Files.size(file);
    }

    /** For an uncompressed file, the header must match the file's size exactly. */
    private static void checkRawSize(String file, long actual, long expected) {
        if (actual < 0) {
            return;
        }
        if (actual != expected) {
            throw bad(file, "header promises " + expected + " bytes but the file has " + actual
                    + (actual < expected ? " (truncated: re-download it)" : " (header and data disagree)"));
        }
    }

    private static int readHeaderInt(DataInputStream in, String file) throws IOException {
        try {
            return in.readInt(); // IDX is big-endian, as DataInputStream reads
        } catch (EOFException e) {
            throw bad(file, "is too short to hold an IDX header (truncated or empty)");
        } catch (ZipException e) {
            throw bad(file, "is a corrupt gzip file (" + e.getMessage() + "): re-download it");
        }
    }

    private static byte[] readPayload(DataInputStream in, String file, long size) throws IOException {
        byte[] data = new byte[(int) size];
        try {
            in.readFully(data);
        } catch (EOFException e) {
            throw bad(file, "is truncated: the header promises " + size + " data bytes; re-download it");
        } catch (ZipException e) {
            throw bad(file, "is a corrupt gzip file (" + e.getMessage() + "): re-download it");
        }
        try {
            if (in.read() != -1) {
                throw bad(file, "has more data than its header declares (" + size
                        + " bytes): header and data disagree");
            }
        } catch (ZipException | EOFException e) {
            throw bad(file, "is a corrupt gzip file after its data (" + e.getMessage() + "): re-download it");
        }
        return data;
    }

    private static String magicHint(int magic) {
        if ((magic & 0xffff0000) == 0x1f8b0000) {
            return "; it looks gzip-compressed twice";
        }
        if (magic == IMAGES_MAGIC || magic == LABELS_MAGIC) {
            return "; images and labels files may be swapped";
        }
        return "";
    }

    private static JganException bad(Object file, String problem) {
        return new JganException(JganException.BAD_DATA, "bad IDX file " + file + ": " + problem);
    }

    private static JganException ioProblem(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new JganException(JganException.BAD_DATA, "data file not found: " + file);
        }
        return new JganException(JganException.BAD_DATA,
                "cannot read " + file + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
}
