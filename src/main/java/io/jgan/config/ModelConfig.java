package io.jgan.config;

import io.jgan.JganException;

/**
 * What to build: the network family and its sizes. Saved in every checkpoint so that
 * {@code sample} can rebuild the generator from the checkpoint alone.
 *
 * @param family the model family's name ({@code io.jgan.model.Family}: mlp, mlp-bn, dcgan, toy,
 *     pix2pix); what each is and builds, and its own rules, are the family's
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
     * Checks the values every family shares, before any native memory is touched (the family's
     * own rules are {@code Family.validate}).
     *
     * @throws JganException naming the bad value and the accepted ones
     */
    public void validate() {
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
        if (classes < 0 || classes > 256) {
            throw new JganException(JganException.USAGE, "a conditional model needs 1..256 classes, got " + classes);
        }
    }
}
