package io.jgan.data;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Paired images for image-to-image translation (pix2pix): each input A has its target B.
 *
 * <p>Three sources:
 * <ul>
 *   <li>the built-in demo: the embedded digits, each with its sketch ({@link #sketch}) as the input;</li>
 *   <li>a folder holding {@code A/} and {@code B/}, with matching file names;</li>
 *   <li>a folder of side-by-side images (pix2pix's own layout): the left half A, the right half B
 *       ({@code direction} BtoA swaps them).</li>
 * </ul>
 *
 * @param inputs the A images (what G is given)
 * @param targets the B images, aligned with {@code inputs}
 * @param labels class of each pair (the demo's digit), or null
 * @param names a name per pair (the file name), for messages and {@code translate}
 * @param description where the pairs came from
 */
public record PairedData(ImageSet inputs, ImageSet targets, byte[] labels, List<String> names, String description) {

    /**
     * The pairs a data config names: the built-in demo for the embedded digits, else a folder.
     *
     * @param data the config (its source, limit, channels and direction)
     * @return the pairs
     */
    public static PairedData of(DataConfig data) {
        return data.source().equals(DataConfig.EMBEDDED) ? digitSketches(data.limit())
                : read(Path.of(data.source()), data.pairDirection(), data.channels(), data.limit());
    }

    /**
     * The built-in demo: sketch to digit, from the embedded MNIST digits.
     *
     * @param limit at most this many (0: all 10,000)
     * @return the pairs
     */
    public static PairedData digitSketches(int limit) {
        TrainingData.LabelledImages digits = TrainingData.read(DataConfig.embedded(limit));
        ImageSet d = digits.images();
        byte[] sketches = new byte[d.pixels().length];
        int size = d.imageSize();
        for (int i = 0; i < d.count(); i++) {
            byte[] one = sketch(java.util.Arrays.copyOfRange(d.pixels(), i * size, (i + 1) * size), d.rows(), d.cols());
            System.arraycopy(one, 0, sketches, i * size, size);
        }
        List<String> names = new ArrayList<>(d.count());
        for (int i = 0; i < d.count(); i++) {
            names.add(String.format(Locale.ROOT, "digit-%05d", i));
        }
        return new PairedData(new ImageSet(d.count(), 1, d.rows(), d.cols(), sketches), d, digits.labels(), names,
                "sketches of " + digits.description());
    }

    /**
     * A digit's sketch: its outline, one pixel wide. A pixel is drawn (255) where the digit has
     * ink (at least half intensity) and at least one of its four neighbours has none (or lies
     * outside the image); everything else is blank (0). Deterministic: the same digit always
     * gives the same sketch.
     *
     * @param digit (rows, cols) uint8, ink bright on black
     * @param rows image rows
     * @param cols image columns
     * @return the outline, same layout
     */
    public static byte[] sketch(byte[] digit, int rows, int cols) {
        byte[] out = new byte[rows * cols];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                if (!ink(digit, rows, cols, y, x)) {
                    continue;
                }
                boolean edge = !ink(digit, rows, cols, y - 1, x) || !ink(digit, rows, cols, y + 1, x)
                        || !ink(digit, rows, cols, y, x - 1) || !ink(digit, rows, cols, y, x + 1);
                out[y * cols + x] = edge ? (byte) 255 : 0;
            }
        }
        return out;
    }

    private static boolean ink(byte[] img, int rows, int cols, int y, int x) {
        return y >= 0 && y < rows && x >= 0 && x < cols && (img[y * cols + x] & 0xff) >= 128;
    }

    /**
     * Reads pairs from a folder: {@code A/} and {@code B/} with matching names, else side-by-side images.
     *
     * @param dir the folder
     * @param direction {@code AtoB} (default) or {@code BtoA}
     * @param channels 1 or 3, or 0 to take gray when every image is gray
     * @param limit at most this many pairs (0: all)
     * @return the pairs
     * @throws JganException (exit 3) for unpaired names, mismatched sizes or odd widths
     */
    public static PairedData read(Path dir, String direction, int channels, int limit) {
        if (!direction.equals("AtoB") && !direction.equals("BtoA")) {
            throw new JganException(JganException.USAGE, "unknown --direction '" + direction + "': use AtoB or BtoA");
        }
        if (!Files.isDirectory(dir)) {
            throw new JganException(JganException.BAD_DATA, "data folder not found: " + dir);
        }
        List<BufferedImage> a = new ArrayList<>();
        List<BufferedImage> b = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir.resolve("A")) && Files.isDirectory(dir.resolve("B"))) {
            Map<String, Path> inA = byName(dir.resolve("A"));
            Map<String, Path> inB = byName(dir.resolve("B"));
            for (String n : inA.keySet()) {
                if (!inB.containsKey(n)) {
                    throw new JganException(JganException.BAD_DATA, "unpaired image: " + dir.resolve("A").resolve(n)
                            + " has no file of the same name in " + dir.resolve("B") + " (pairs match by file name)");
                }
            }
            for (String n : inB.keySet()) {
                if (!inA.containsKey(n)) {
                    throw new JganException(JganException.BAD_DATA, "unpaired image: " + dir.resolve("B").resolve(n)
                            + " has no file of the same name in " + dir.resolve("A") + " (pairs match by file name)");
                }
            }
            for (String n : inA.keySet()) {
                if (limit > 0 && names.size() >= limit) {
                    break;
                }
                BufferedImage ia = ImageFolderReader.decode(inA.get(n));
                BufferedImage ib = ImageFolderReader.decode(inB.get(n));
                if (ia.getWidth() != ib.getWidth() || ia.getHeight() != ib.getHeight()) {
                    throw new JganException(JganException.BAD_DATA, "pair " + n + " has different sizes: A is "
                            + ia.getWidth() + "x" + ia.getHeight() + " but B is " + ib.getWidth() + "x" + ib.getHeight()
                            + " (the two images of a pair must have the same size)");
                }
                a.add(ia);
                b.add(ib);
                names.add(n);
            }
        } else {
            for (Path f : ImageFolderReader.list(dir)) {
                if (limit > 0 && names.size() >= limit) {
                    break;
                }
                BufferedImage img = ImageFolderReader.decode(f);
                if (img.getWidth() % 2 != 0) {
                    throw new JganException(JganException.BAD_DATA, f + " is " + img.getWidth() + " pixels wide, an odd"
                            + " width: a side-by-side pair is two images of equal width (A left, B right), or use"
                            + " folders A/ and B/ with matching names");
                }
                int half = img.getWidth() / 2;
                a.add(img.getSubimage(0, 0, half, img.getHeight()));
                b.add(img.getSubimage(half, 0, half, img.getHeight()));
                names.add(dir.relativize(f).toString());
            }
        }
        if (names.isEmpty()) {
            throw new JganException(JganException.BAD_DATA, "no image pairs in " + dir + ": expected A/ and B/ with"
                    + " matching file names, or side-by-side images (A left, B right)");
        }
        int w = a.get(0).getWidth();
        int h = a.get(0).getHeight();
        for (int i = 0; i < names.size(); i++) {
            if (a.get(i).getWidth() != w || a.get(i).getHeight() != h) {
                throw new JganException(JganException.BAD_DATA, "the pairs in " + dir + " have different sizes: "
                        + names.get(0) + " is " + w + "x" + h + " but " + names.get(i) + " is " + a.get(i).getWidth() + "x"
                        + a.get(i).getHeight() + " (every pair must have the same size)");
            }
        }
        boolean gray = a.stream().allMatch(ImageFolderReader::isGray) && b.stream().allMatch(ImageFolderReader::isGray);
        int c = channels > 0 ? channels : gray ? 1 : 3;
        ImageSet sa = pixels(a, c, h, w);
        ImageSet sb = pixels(b, c, h, w);
        boolean swap = direction.equals("BtoA");
        return new PairedData(swap ? sb : sa, swap ? sa : sb, null, List.copyOf(names),
                names.size() + " pairs from " + dir + " (" + direction + ")");
    }

    private static Map<String, Path> byName(Path dir) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Path f : ImageFolderReader.list(dir)) {
            out.put(dir.relativize(f).toString(), f);
        }
        return out;
    }

    private static ImageSet pixels(List<BufferedImage> images, int c, int h, int w) {
        byte[] px = new byte[images.size() * c * h * w];
        for (int i = 0; i < images.size(); i++) {
            ImageFolderReader.copyPixels(images.get(i), c, px, i * c * h * w);
        }
        return new ImageSet(images.size(), c, h, w, px);
    }
}
