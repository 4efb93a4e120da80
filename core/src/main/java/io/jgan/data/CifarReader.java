package io.jgan.data;

import io.jgan.JganException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads CIFAR-10's binary version ({@code cifar-10-batches-bin/}): the training batches
 * {@code data_batch_1.bin} .. {@code data_batch_5.bin}, each a run of 3,073-byte records, one
 * label byte (0..9) then the 32x32 image as 1,024 red, 1,024 green and 1,024 blue bytes, rows
 * top to bottom. That is the (C, H, W) order of {@link ImageSet}, so a record's pixels are copied
 * as they are. Class names come from {@code batches.meta.txt} (one a line) when it is there.
 * {@code test_batch.bin} is never read: it is CIFAR's held-out set.
 */
public final class CifarReader {

    /** Image side. */
    static final int SIDE = 32;
    /** Bytes of one record: the label, then 3 x 32 x 32 pixels. */
    static final int RECORD = 1 + 3 * SIDE * SIDE;
    /** CIFAR-10's classes, when the folder has no batches.meta.txt. */
    static final int CLASSES = 10;

    private static final Pattern BATCH = Pattern.compile("data_batch_(\\d+)\\.bin");

    private CifarReader() {}

    /**
     * Whether a folder holds CIFAR-10 training batches.
     *
     * @param dir the folder
     * @return true if it has at least one {@code data_batch_N.bin}
     */
    public static boolean hasBatches(Path dir) {
        return !batches(dir).isEmpty();
    }

    /**
     * Reads the training batches of a folder, in batch order.
     *
     * @param dir the folder ({@code cifar-10-batches-bin})
     * @param limit at most this many images (0: all)
     * @return the images (3 x 32 x 32), their labels and the class names
     * @throws JganException (bad data) for a file that is not whole records or a label beyond the
     *     classes, naming the file and what to do
     */
    public static ImageFolderReader.Result read(Path dir, int limit) {
        List<String> classes = classNames(dir);
        List<Path> files = batches(dir);
        long total = 0;
        for (Path f : files) {
            long size = size(f);
            if (size == 0 || size % RECORD != 0) {
                throw new JganException(JganException.BAD_DATA, "bad CIFAR-10 batch " + f + ": " + size + " bytes is not"
                        + " a whole number of 3,073-byte records (1 label byte + 3x32x32 pixels; CIFAR-100's records"
                        + " have 2 label bytes and are not read): use the files of cifar-10-binary.tar.gz");
            }
            total += size / RECORD;
        }
        int image = RECORD - 1;
        long wanted = Math.min(total, limit > 0 ? limit : total);
        if (wanted * image > ImageFolderReader.MAX_BYTES) {
            throw new JganException(JganException.BAD_DATA, dir + " holds " + total + " CIFAR-10 records, more than one"
                    + " array can hold: use --limit");
        }
        int n = (int) wanted;
        byte[] pixels = new byte[n * image];
        byte[] labels = new byte[n];
        byte[] record = new byte[RECORD];
        int i = 0;
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                while (i < n && in.readNBytes(record, 0, RECORD) == RECORD) {
                    int label = record[0] & 0xff;
                    if (label >= classes.size()) {
                        throw new JganException(JganException.BAD_DATA, "bad CIFAR-10 batch " + f + ": record "
                                + (i + 1) + " has label " + label + " but there are " + classes.size() + " classes");
                    }
                    labels[i] = record[0];
                    System.arraycopy(record, 1, pixels, i * image, image);
                    i++;
                }
            } catch (IOException e) {
                throw new JganException(JganException.BAD_DATA, "cannot read " + f + ": " + e.getMessage());
            }
            if (i == n) {
                break;
            }
        }
        return new ImageFolderReader.Result(new ImageSet(n, 3, SIDE, SIDE, pixels), labels, classes);
    }

    /** {@code data_batch_N.bin} files in N order. */
    private static List<Path> batches(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> BATCH.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .sorted(Comparator.comparingLong(CifarReader::batchNumber)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long batchNumber(Path p) {
        Matcher m = BATCH.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    /** The names in batches.meta.txt, or "0".."9". */
    private static List<String> classNames(Path dir) {
        Path meta = dir.resolve("batches.meta.txt");
        List<String> names = new ArrayList<>();
        if (Files.isRegularFile(meta)) {
            try {
                for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        names.add(line.strip());
                    }
                }
            } catch (IOException e) {
                throw new JganException(JganException.BAD_DATA, "cannot read " + meta + ": " + e.getMessage());
            }
        }
        if (names.isEmpty()) {
            for (int k = 0; k < CLASSES; k++) {
                names.add(Integer.toString(k));
            }
        }
        return List.copyOf(names);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new JganException(JganException.BAD_DATA, "cannot read " + f + ": " + e.getMessage());
        }
    }
}
