package io.jgan.config;

import io.jgan.JganException;
import java.util.List;

/**
 * What to build: the network family and its sizes. Saved in every checkpoint so that
 * {@code sample} can rebuild the generator from the checkpoint alone.
 *
 * @param family {@code mlp} (the MLP GAN), {@code mlp-bn} (the BatchNorm generator of the GAN
 *     course), {@code dcgan} or {@code toy} (the 1-D Gaussian toy)
 * @param latentDim size of the noise vector z
 * @param channels image channels (1 for MNIST)
 * @param height image height in pixels
 * @param width image width in pixels
 * @param range the pixel range the generator outputs
 * @param classes for a conditional GAN (Mirza and Osindero 2014; D(x, condition) of 'An Intuitive way to
 *     understand GANs'):
 *     the number of classes whose one-hot code both networks also see; 0 = unconditional
 */
public record ModelConfig(
        String family, int latentDim, int channels, int height, int width, PixelRange range, int classes) {

    /**
     * An unconditional model.
     *
     * @param family family
     * @param latentDim z size
     * @param channels channels
     * @param height height
     * @param width width
     * @param range pixel range
     */
    public ModelConfig(String family, int latentDim, int channels, int height, int width, PixelRange range) {
        this(family, latentDim, channels, height, width, range, 0);
    }

    /** @return whether G and D see a class label */
    public boolean conditional() {
        return classes > 0;
    }

    /** @return G's input size: z, then the one-hot class code if conditional */
    public int generatorInputDim() {
        return family.equals(PIX2PIX) ? dataDim() : latentDim + classes; // pix2pix: G is given an image
    }

    /** @return D's input size: the flattened image, then the one-hot class code if conditional */
    public int discriminatorInputDim() {
        return family.equals(PIX2PIX) ? 2 * dataDim() : dataDim() + classes; // pix2pix: (image, condition)
    }

    /** The image-to-image family: its G maps an image to an image, and D judges pairs. */
    public static final String PIX2PIX = "pix2pix";

    /**
     * Whether the family is image-to-image (no latent vector; {@code translate} instead of {@code sample}).
     *
     * @return true for pix2pix
     */
    public boolean imageToImage() {
        return family.equals(PIX2PIX);
    }

    /** The model families this version can build. */
    public static final List<String> FAMILIES = List.of("mlp", "mlp-bn", "dcgan", "toy", "pix2pix");

    /** Image sides the DCGAN family is built for. */
    public static final List<Integer> DCGAN_SIDES = List.of(28, 32, 64);

    /** Largest image side a model may have. */
    public static final int MAX_SIDE = 128;

    /**
     * Returns the number of values in one flattened sample, {@code channels*height*width}.
     *
     * @return the data dimension
     */
    public int dataDim() {
        return channels * height * width;
    }

    /**
     * Checks the values, before any native memory is touched.
     *
     * @throws JganException naming the bad value and the accepted ones
     */
    public void validate() {
        if (!FAMILIES.contains(family)) {
            throw new JganException(
                    JganException.USAGE,
                    "unknown model '" + family + "': use one of " + String.join(", ", FAMILIES));
        }
        if (family.equals(PIX2PIX) ? latentDim != 0 : latentDim < 1 || latentDim > 4096) {
            throw new JganException(
                    JganException.USAGE,
                    "latent size " + latentDim + " is out of range: use 1..4096 (default 100)");
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new JganException(
                    JganException.USAGE,
                    "image shape " + channels + "x" + height + "x" + width + " is empty");
        }
        if ((channels != 1 && channels != 3) || height > MAX_SIDE || width > MAX_SIDE) {
            // bounded before any weights exist: an MLP over a huge image would exhaust memory
            throw new JganException(
                    JganException.USAGE,
                    "image shape " + channels + "x" + height + "x" + width + " is not supported: use 1 or 3"
                            + " channels and sides up to " + MAX_SIDE);
        }
        if (family.equals(PIX2PIX) && classes != 0) {
            throw new JganException(JganException.USAGE, "--conditional does not apply to pix2pix: its condition is the"
                    + " input image");
        }
        if (classes < 0 || classes > 256) {
            throw new JganException(JganException.USAGE, "a conditional model needs 1..256 classes, got " + classes);
        }
        if ((family.equals("dcgan") || family.equals(PIX2PIX)) && (height != width || !DCGAN_SIDES.contains(height))) {
            throw new JganException(
                    JganException.USAGE,
                    family + " is built for square images of side 28, 32 or 64, but the data is " + height + "x" + width
                            + ": use --image-size 32 or 64 for an image folder");
        }
    }
}
