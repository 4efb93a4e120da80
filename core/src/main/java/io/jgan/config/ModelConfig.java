package io.jgan.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jgan.JganException;
import java.util.List;

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
 * @param featureMaps the width, for the families whose width is
 *     a choice (dcgan, sngan); 0 = the family's own (left out of the saved config, so that configs from
 *     before it and the tutorials' models read and write as they did)
 * @param classNorm for a conditional dcgan: G takes the class through conditional batch norm (a
 *     gain and a bias per class in every batch norm; z alone enters the first layer) instead of
 *     the tutorials' one-hot code beside z; left out of the saved config when false
 * @param dFeatureMaps D's width where it differs from G's (dcgan, sngan); 0 = G's
 *     ({@code featureMaps}), and left out of the saved config
 * @param clusterShares for a self-conditioned GAN ({@code --clusters}): its classes are k-means
 *     clusters of the training images, not classes of the data, and these are their shares of
 *     the images; a sample whose class is not asked for draws its cluster in these shares (an
 *     unconditional model to the user). Empty otherwise, and then left out of the saved config
 */
public record ModelConfig(
        String family, int latentDim, int channels, int height, int width, PixelRange range, int classes,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int featureMaps,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean classNorm,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int dFeatureMaps,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Double> clusterShares) {

    /**
     * Normalises an absent {@code clusterShares} (configs from before it) to none.
     *
     * @param family see the record
     * @param latentDim see the record
     * @param channels see the record
     * @param height see the record
     * @param width see the record
     * @param range see the record
     * @param classes see the record
     * @param featureMaps see the record
     * @param classNorm see the record
     * @param dFeatureMaps see the record
     * @param clusterShares see the record
     */
    public ModelConfig {
        clusterShares = clusterShares == null ? List.of() : List.copyOf(clusterShares);
    }

    /**
     * A model without clusters.
     *
     * @param family family
     * @param latentDim z size
     * @param channels channels
     * @param height height
     * @param width width
     * @param range pixel range
     * @param classes 0, or the number of classes
     * @param featureMaps 0, or G's width
     * @param classNorm conditional batch norm in G
     * @param dFeatureMaps 0, or D's width
     */
    public ModelConfig(String family, int latentDim, int channels, int height, int width, PixelRange range,
            int classes, int featureMaps, boolean classNorm, int dFeatureMaps) {
        this(family, latentDim, channels, height, width, range, classes, featureMaps, classNorm, dFeatureMaps,
                List.of());
    }

    /**
     * A model whose class, if any, enters G beside z.
     *
     * @param family family
     * @param latentDim z size
     * @param channels channels
     * @param height height
     * @param width width
     * @param range pixel range
     * @param classes 0, or the number of classes
     * @param featureMaps 0, or the width of a family whose width is a choice
     */
    public ModelConfig(String family, int latentDim, int channels, int height, int width, PixelRange range,
            int classes, int featureMaps) {
        this(family, latentDim, channels, height, width, range, classes, featureMaps, false, 0);
    }

    /**
     * A model at its family's own width.
     *
     * @param family family
     * @param latentDim z size
     * @param channels channels
     * @param height height
     * @param width width
     * @param range pixel range
     * @param classes 0, or the number of classes
     */
    public ModelConfig(
            String family, int latentDim, int channels, int height, int width, PixelRange range, int classes) {
        this(family, latentDim, channels, height, width, range, classes, 0, false, 0);
    }

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

    /**
     * The same model with other image dimensions and classes (its family, z and width kept).
     *
     * @param channels channels
     * @param height height
     * @param width width
     * @param classes 0, or the number of classes
     * @return the reshaped config
     */
    public ModelConfig shaped(int channels, int height, int width, int classes) {
        return new ModelConfig(family, latentDim, channels, height, width, range, classes, featureMaps, classNorm,
                dFeatureMaps, clusterShares);
    }

    /**
     * The same model, self-conditioned: its classes are clusters with these shares.
     *
     * @param shares each cluster's share of the training images (their count is the classes')
     * @return the config
     */
    public ModelConfig withClusterShares(List<Double> shares) {
        return new ModelConfig(family, latentDim, channels, height, width, range, shares.size(), featureMaps,
                classNorm, dFeatureMaps, shares);
    }

    /**
     * The classes a sample can be asked for that are the data's own: those a domain classifier
     * can check a sample against (class agreement).
     *
     * @return the classes, or 0 for an unconditional or a self-conditioned model (its clusters are not the data's classes)
     */
    public int dataClasses() {
        return selfConditioned() ? 0 : classes;
    }

    /** @return whether the classes are k-means clusters of the data (a self-conditioned GAN) */
    public boolean selfConditioned() {
        return !clusterShares.isEmpty();
    }

    /**
     * The same model at other widths (dcgan, sngan): {@code --feature-maps} and {@code --d-feature-maps}.
     *
     * @param g G's width (and D's, when d is 0); 0 for the family's own
     * @param d D's width, or 0 for G's
     * @return the config
     */
    public ModelConfig withFeatureMaps(int g, int d) {
        return new ModelConfig(family, latentDim, channels, height, width, range, classes, g, classNorm, d,
                clusterShares);
    }

    /**
     * G's width in a family whose width is a choice.
     *
     * @param familyWidth the family's own, used when {@code featureMaps} is 0
     * @return the feature maps
     */
    public int gWidth(int familyWidth) {
        return featureMaps == 0 ? familyWidth : featureMaps;
    }

    /**
     * D's width in a family whose width is a choice: its own, or G's when {@code dFeatureMaps} is 0.
     *
     * @param familyWidth the family's own, used when neither width is given
     * @return the feature maps
     */
    public int dWidth(int familyWidth) {
        return dFeatureMaps == 0 ? gWidth(familyWidth) : dFeatureMaps;
    }

    /** @return the image shape as the messages write it, e.g. {@code 1x28x28} */
    public String imageShape() {
        return channels + "x" + height + "x" + width;
    }

    /** @return whether G and D see a class label */
    public boolean conditional() {
        return classes > 0;
    }

    /** Fewest feature maps per block a model may be given. */
    public static final int MIN_FEATURE_MAPS = 4;

    /** Most feature maps per block a model may be given (the SNGAN paper's D uses 128, its G 256). */
    public static final int MAX_FEATURE_MAPS = 512;

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
                    "image shape " + imageShape() + " is empty");
        }
        if ((channels != 1 && channels != 3) || height > MAX_SIDE || width > MAX_SIDE) {
            // bounded before any weights exist: an MLP over a huge image would exhaust memory
            throw new JganException(
                    JganException.USAGE,
                    "image shape " + imageShape() + " is not supported: use 1 or 3"
                            + " channels and sides up to " + MAX_SIDE);
        }
        requireWidth("--feature-maps", featureMaps);
        requireWidth("--d-feature-maps", dFeatureMaps);
        if (classes < 0 || classes > 256) {
            throw new JganException(JganException.USAGE, "a conditional model needs 1..256 classes, got " + classes);
        }
        if (selfConditioned() && clusterShares.size() != classes) {
            throw new JganException(JganException.BAD_DATA, "the config lists " + clusterShares.size()
                    + " cluster shares for " + classes + " classes: the file is damaged");
        }
    }

    /** A width is 0 (the default) or within MIN_FEATURE_MAPS..MAX_FEATURE_MAPS. */
    private static void requireWidth(String option, int v) {
        if (v != 0 && (v < MIN_FEATURE_MAPS || v > MAX_FEATURE_MAPS)) {
            throw new JganException(JganException.USAGE, option + " must be in " + MIN_FEATURE_MAPS + ".."
                    + MAX_FEATURE_MAPS + ", got " + v);
        }
    }
}
