package io.jgan.data;

import io.jgan.JganException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads a folder of PNG/JPEG images into an {@link ImageSet}, following torchvision's
 * {@code ImageFolder}: files are taken in sorted path order; if every image lies in a subfolder,
 * the first-level subfolder names (sorted) are the classes and give the labels.
 *
 * <p>Sizes: with {@code size} 0 every image must have the same size (mixed sizes are an error
 * naming two offending files); with {@code size} N each image is resized so its shorter side is
 * N and centre-cropped to NxN (DCGAN's {@code Resize(N)} then {@code CenterCrop(N)}).
 * Channels: 0 picks 1 if every image is gray, else 3 (gray images are then repeated into RGB).
 */
public final class ImageFolderReader {

    /** Extensions read (lower case). */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    /** The pixel array is one Java array: at most this many bytes. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    private ImageFolderReader() {}

    /**
     * Images and, when the folder has class subfolders, their labels.
     *
     * @param images the pixels
     * @param labels one class index per image, or {@code null}
     * @param classes class names by index (empty without labels)
     */
    public record Result(ImageSet images, byte[] labels, List<String> classes) {}

    /**
     * Returns whether a folder holds images this reader takes (at any depth).
     *
     * @param dir the folder
     * @return true if at least one file has an image extension
     */
    public static boolean hasImages(Path dir) {
        return !list(dir).isEmpty();
    }

    /**
     * Reads the images of a folder.
     *
     * @param dir the folder
     * @param size 0 to keep the size (all must agree), or N to resize and crop to NxN
     * @param channels 0 (automatic), 1 or 3
     * @param limit read at most this many (0 = all)
     * @return the images and labels
     * @throws JganException (exit 3) naming the bad file and the fix
     */
    public static Result read(Path dir, int size, int channels, int limit) {
        List<Path> files = list(dir);
        if (files.isEmpty()) {
            throw new JganException(JganException.BAD_DATA, "no images in " + dir + ": expected files ending in "
                    + String.join(", ", EXTENSIONS) + " (or MNIST-layout IDX files)");
        }
        if (limit > 0 && files.size() > limit) {
            files = files.subList(0, limit);
        }
        // classes: first-level subfolders, when every image lies in one
        TreeMap<String, Integer> classIndex = new TreeMap<>();
        boolean labelled = files.stream().allMatch(f -> dir.relativize(f).getNameCount() >= 2);
        if (labelled) {
            files.forEach(f -> classIndex.put(dir.relativize(f).getName(0).toString(), 0));
            if (classIndex.size() > 256) {
                labelled = false; // more classes than a byte label holds: treat as unlabelled
            } else {
                int k = 0;
                for (var e : classIndex.entrySet()) {
                    e.setValue(k++);
                }
            }
        }
        List<BufferedImage> decoded = new ArrayList<>(files.size());
        boolean allGray = true;
        Path first = files.get(0);
        int w0 = -1;
        int h0 = -1;
        for (Path f : files) {
            BufferedImage img = decode(f);
            if (size > 0) {
                img = resizeAndCrop(img, size);
            } else if (w0 < 0) {
                w0 = img.getWidth();
                h0 = img.getHeight();
            } else if (img.getWidth() != w0 || img.getHeight() != h0) {
                throw new JganException(JganException.BAD_DATA, "the images in " + dir + " have different sizes: "
                        + first + " is " + w0 + "x" + h0 + " but " + f + " is " + img.getWidth() + "x"
                        + img.getHeight() + ": pass --image-size N to resize and crop them all to NxN");
            }
            allGray &= isGray(img);
            decoded.add(img);
        }
        int c = channels > 0 ? channels : (allGray ? 1 : 3);
        int h = decoded.get(0).getHeight();
        int w = decoded.get(0).getWidth();
        long bytes = (long) decoded.size() * c * h * w;
        if (bytes > MAX_BYTES) {
            throw new JganException(JganException.BAD_DATA, String.format(Locale.ROOT,
                    "%,d images of %dx%dx%d are more than 2 GiB of pixels: use --limit or a smaller --image-size",
                    decoded.size(), c, h, w));
        }
        byte[] px = new byte[(int) bytes];
        byte[] labels = labelled ? new byte[decoded.size()] : null;
        int plane = h * w;
        for (int i = 0; i < decoded.size(); i++) {
            copyPixels(decoded.get(i), c, px, i * c * plane);
            if (labelled) {
                labels[i] = (byte) (int) classIndex.get(dir.relativize(files.get(i)).getName(0).toString());
            }
        }
        return new Result(new ImageSet(decoded.size(), c, h, w, px), labels,
                labelled ? List.copyOf(classIndex.keySet()) : List.of());
    }

    /**
     * Writes one image's pixels, channel-major, into {@code px} at {@code base}: gray as ITU-R 601
     * luma (PIL's convert("L")), colour as R, G, B planes.
     *
     * @param img the image
     * @param c 1 or 3 channels
     * @param px the destination
     * @param base offset of the image's first byte
     */
    static void copyPixels(BufferedImage img, int c, byte[] px, int base) {
        int h = img.getHeight();
        int w = img.getWidth();
        int plane = h * w;
        // Gray PNGs are read from the raster: getRGB would pass them through Java's linear-gray
        // colour space and darken every mid-tone (5 reads as 0).
        boolean gray = isGrayType(img);
        int shift = img.getType() == BufferedImage.TYPE_USHORT_GRAY ? 8 : 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb;
                if (gray) {
                    int v = img.getRaster().getSample(x, y, 0) >> shift;
                    rgb = v << 16 | v << 8 | v;
                } else {
                    rgb = img.getRGB(x, y);
                }
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (c == 1) {
                    px[base + y * w + x] = (byte) Math.round((299 * r + 587 * g + 114 * b) / 1000.0);
                } else {
                    px[base + y * w + x] = (byte) r;
                    px[base + plane + y * w + x] = (byte) g;
                    px[base + 2 * plane + y * w + x] = (byte) b;
                }
            }
        }
    }

    /**
     * Images with their file names: one file, or every image under a folder (sorted), all of one
     * size, as {@code channels} channels. For {@code jgan translate}.
     *
     * @param path an image file or a folder
     * @param channels 1 or 3
     * @return the images, and the name of each (relative to the folder)
     * @throws JganException (exit 3) if there is no image, or the sizes differ
     */
    public static Named readNamed(Path path, int channels) {
        List<Path> files = Files.isRegularFile(path) ? List.of(path) : list(path);
        if (files.isEmpty()) {
            throw new JganException(JganException.BAD_DATA, Files.exists(path) ? "no images in " + path
                    + ": expected files ending in " + String.join(", ", EXTENSIONS) : "input not found: " + path);
        }
        List<BufferedImage> images = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            BufferedImage img = decode(f);
            if (!images.isEmpty() && (img.getWidth() != images.get(0).getWidth()
                    || img.getHeight() != images.get(0).getHeight())) {
                throw new JganException(JganException.BAD_DATA, "the images in " + path + " have different sizes: "
                        + names.get(0) + " is " + images.get(0).getWidth() + "x" + images.get(0).getHeight() + " but " + f
                        + " is " + img.getWidth() + "x" + img.getHeight());
            }
            images.add(img);
            names.add(Files.isRegularFile(path) ? f.getFileName().toString() : path.relativize(f).toString());
        }
        int h = images.get(0).getHeight();
        int w = images.get(0).getWidth();
        byte[] px = new byte[images.size() * channels * h * w];
        for (int i = 0; i < images.size(); i++) {
            copyPixels(images.get(i), channels, px, i * channels * h * w);
        }
        return new Named(new ImageSet(images.size(), channels, h, w, px), List.copyOf(names));
    }

    /**
     * Images and their names.
     *
     * @param images the pixels
     * @param names one per image
     */
    public record Named(ImageSet images, List<String> names) {}

    static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return !n.startsWith(".") && EXTENSIONS.stream().anyMatch(n::endsWith);
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new JganException(JganException.BAD_DATA, "cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one encoded image (PNG or JPEG bytes) to pixels as {@link #read} reads a file of a
     * folder: gray as ITU-R 601 luma, colour as R, G, B planes (Spark's evaluator decodes its
     * image columns with this, so that they measure as {@code jgan eval --samples DIR} does).
     *
     * @param encoded the file's bytes
     * @param channels 1 or 3
     * @param name what the bytes are, for the message
     * @return (channels, h, w) bytes and the image's height and width
     * @throws JganException (exit 3) when the bytes are no image
     */
    public static ImageSet decodeOne(byte[] encoded, int channels, String name) {
        BufferedImage img;
        try {
            img = ImageIO.read(new java.io.ByteArrayInputStream(encoded));
        } catch (IOException | RuntimeException e) {
            throw new JganException(JganException.BAD_DATA, "cannot decode image " + name + ": " + e.getMessage(), e);
        }
        if (img == null || img.getWidth() < 1 || img.getHeight() < 1) {
            throw new JganException(JganException.BAD_DATA, name + " is not a readable PNG or JPEG image");
        }
        byte[] px = new byte[channels * img.getHeight() * img.getWidth()];
        copyPixels(img, channels, px, 0);
        return new ImageSet(1, channels, img.getHeight(), img.getWidth(), px);
    }

    static BufferedImage decode(Path f) {
        BufferedImage img;
        try {
            img = ImageIO.read(f.toFile());
        } catch (IOException | RuntimeException e) {
            // ImageIO throws unchecked exceptions on some corrupt files; both are the file's fault
            throw new JganException(JganException.BAD_DATA, "cannot decode image " + f + ": " + e.getMessage()
                    + " (remove or replace the file)", e);
        }
        if (img == null || img.getWidth() < 1 || img.getHeight() < 1) {
            throw new JganException(JganException.BAD_DATA, f + " is not a readable PNG or JPEG image"
                    + " (remove or replace the file)");
        }
        return img;
    }

    private static boolean isGrayType(BufferedImage img) {
        return img.getType() == BufferedImage.TYPE_BYTE_GRAY || img.getType() == BufferedImage.TYPE_USHORT_GRAY;
    }

    static boolean isGray(BufferedImage img) {
        if (isGrayType(img)) {
            return true;
        }
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                if (r != ((rgb >> 8) & 0xff) || r != (rgb & 0xff)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static BufferedImage grayToRgb(BufferedImage img) {
        int shift = img.getType() == BufferedImage.TYPE_USHORT_GRAY ? 8 : 0;
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int v = img.getRaster().getSample(x, y, 0) >> shift;
                rgb.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return rgb;
    }

    /** Shorter side to {@code n} (area-averaged when shrinking), then the centre n x n. */
    static BufferedImage resizeAndCrop(BufferedImage img, int n) {
        if (isGrayType(img)) {
            img = grayToRgb(img); // drawing a gray image would also go through the linear-gray space
        }
        int w = img.getWidth();
        int h = img.getHeight();
        double s = (double) n / Math.min(w, h);
        int sw = Math.max(n, (int) Math.round(w * s));
        int sh = Math.max(n, (int) Math.round(h * s));
        BufferedImage scaled = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        if (s < 1) {
            g.drawImage(img.getScaledInstance(sw, sh, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        } else {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, sw, sh, null);
        }
        g.dispose();
        return scaled.getSubimage((sw - n) / 2, (sh - n) / 2, n, n);
    }
}
