package io.jgan.format;

import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Tiles grayscale or RGB samples into one image, as torchvision's {@code make_grid}: {@code nrow}
 * images per row, {@code padding} black pixels around each, then optionally scaled up by an
 * integer factor (nearest neighbour) so 28x28 digits are visible on a screen.
 */
public final class ImageGrid {

    private ImageGrid() {}

    /**
     * Builds the grid image.
     *
     * @param samples (n, channels, height, width) values in {@code range}
     * @param n number of samples
     * @param channels 1 (gray) or 3 (RGB)
     * @param height sample height
     * @param width sample width
     * @param range how values map to bytes
     * @param nrow samples per grid row
     * @param padding pixels between samples
     * @param scale integer magnification, at least 1
     * @return an 8-bit grayscale image, or an RGB image for 3 channels
     */
    public static BufferedImage render(float[] samples, int n, int channels, int height, int width, PixelRange range,
            int nrow, int padding, int scale) {
        if (channels == 3) {
            return renderRgb(samples, n, height, width, range, nrow, padding, scale);
        }
        int rows = (n + nrow - 1) / nrow;
        int w = nrow * (width + padding) + padding;
        int h = rows * (height + padding) + padding;
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        int stride = w * scale;
        for (int k = 0; k < n; k++) {
            int y0 = padding + (k / nrow) * (height + padding);
            int x0 = padding + (k % nrow) * (width + padding);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    byte b = (byte) range.toByte(samples[k * height * width + y * width + x]);
                    for (int sy = 0; sy < scale; sy++) {
                        int row = ((y0 + y) * scale + sy) * stride;
                        for (int sx = 0; sx < scale; sx++) {
                            px[row + (x0 + x) * scale + sx] = b;
                        }
                    }
                }
            }
        }
        return img;
    }

    private static BufferedImage renderRgb(float[] samples, int n, int height, int width, PixelRange range, int nrow,
            int padding, int scale) {
        int rows = (n + nrow - 1) / nrow;
        int w = nrow * (width + padding) + padding;
        int h = rows * (height + padding) + padding;
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int k = 0; k < n; k++) {
            int y0 = padding + (k / nrow) * (height + padding);
            int x0 = padding + (k % nrow) * (width + padding);
            int base = k * 3 * plane;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int i = base + y * width + x;
                    int rgb = range.toByte(samples[i]) << 16 | range.toByte(samples[i + plane]) << 8
                            | range.toByte(samples[i + 2 * plane]);
                    for (int sy = 0; sy < scale; sy++) {
                        for (int sx = 0; sx < scale; sx++) {
                            img.setRGB((x0 + x) * scale + sx, (y0 + y) * scale + sy, rgb);
                        }
                    }
                }
            }
        }
        return img;
    }

    /**
     * One image of many, alone at its own size (no border, no magnification): what a file per
     * sample holds.
     *
     * @param m the model (image shape and pixel range)
     * @param x (n, dataDim) images in the model's range
     * @param i which one
     * @return the picture
     */
    public static BufferedImage single(ModelConfig m, float[] x, int i) {
        int dim = m.dataDim();
        return render(Arrays.copyOfRange(x, i * dim, (i + 1) * dim), 1, m.channels(), m.height(), m.width(), m.range(),
                1, 0, 1);
    }

    /**
     * Rows of images stacked, one row per array, each row {@code perRow} images: pix2pix's
     * picture of inputs above their translations (above their targets), wherever it is drawn.
     *
     * @param m the model (image shape and pixel range)
     * @param perRow images in each row
     * @param scale pixel magnification
     * @param rows (perRow, dataDim) each, in the model's pixel range
     * @return the picture
     */
    public static BufferedImage rows(ModelConfig m, int perRow, int scale, float[]... rows) {
        return render(concat(rows), rows.length * perRow, m.channels(), m.height(), m.width(), m.range(), perRow, 2,
                scale);
    }

    /**
     * Arrays end to end.
     *
     * @param parts the arrays
     * @return one array
     */
    public static float[] concat(float[]... parts) {
        int total = 0;
        for (float[] p : parts) {
            total += p.length;
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /**
     * Renders and writes a PNG.
     *
     * @param file the PNG to write
     * @param image the image
     * @throws IOException if writing fails
     */
    public static void writePng(Path file, BufferedImage image) throws IOException {
        java.nio.file.Files.write(file, pngBytes(image));
    }

    /**
     * Encodes an image as PNG: the bytes {@link #writePng} writes (Spark's sampler puts them in a
     * column, and they equal {@code jgan sample --format dir}'s files).
     *
     * @param image the image
     * @return the PNG file's bytes
     * @throws IOException if no PNG writer is available
     */
    public static byte[] pngBytes(BufferedImage image) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available");
        }
        return out.toByteArray();
    }

    /**
     * Returns the samples-per-row of a near-square grid.
     *
     * @param n number of samples
     * @return ceil(sqrt(n))
     */
    public static int squareRow(int n) {
        return (int) Math.ceil(Math.sqrt(n));
    }
}
