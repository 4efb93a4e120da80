package io.jgan.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jgan.JganException;

/**
 * Where the training data comes from.
 *
 * @param source {@code embedded} (the shipped 10,000 MNIST digits), {@code gaussian} (the 1-D
 *     toy), or a directory holding MNIST-layout IDX files
 * @param limit use only the first {@code limit} samples (0 = all); for quick runs and tests
 * @param gaussianMean mean of the toy's real distribution
 * @param gaussianStd standard deviation of the toy's real distribution
 * @param gaussianCount number of toy samples
 * @param imageSize for image folders: resize and centre-crop to this square size (0 = keep the
 *     images' own size, which must then agree)
 * @param channels for image folders: 1 (gray), 3 (RGB) or 0 (gray if every image is)
 * @param direction for image pairs (pix2pix) stored side by side: {@code AtoB} (left half to right,
 *     the default) or {@code BtoA}; null for data that is not pairs (and for pix2pix runs made
 *     before it was kept here, whose side file {@code pix2pix.json} said it)
 * @param clusters for a self-conditioned GAN: the images' labels are replaced by their k-means
 *     cluster among this many, found on the pixels when the data is read ({@link #AUTO_CLUSTERS}:
 *     as many as the data's size gives, resolved when a run starts; 0 = the data's own labels, if
 *     any, and left out of the saved config, so that configs from before it read the same)
 */
public record DataConfig(
        String source, int limit, double gaussianMean, double gaussianStd, int gaussianCount, int imageSize,
        int channels, @JsonInclude(JsonInclude.Include.NON_NULL) String direction,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int clusters) {

    /**
     * Every field but the clusters, which are 0 (the data's own labels).
     *
     * @param source see the record
     * @param limit see the record
     * @param gaussianMean see the record
     * @param gaussianStd see the record
     * @param gaussianCount see the record
     * @param imageSize see the record
     * @param channels see the record
     * @param direction see the record
     */
    public DataConfig(String source, int limit, double gaussianMean, double gaussianStd, int gaussianCount,
            int imageSize, int channels, String direction) {
        this(source, limit, gaussianMean, gaussianStd, gaussianCount, imageSize, channels, direction, 0);
    }

    /** The most clusters {@code --clusters} takes (labels are bytes; a cluster needs images). */
    public static final int MAX_CLUSTERS = 100;

    /** {@code --clusters auto}: one cluster per {@link #IMAGES_PER_CLUSTER} images, 2..{@link #MAX_CLUSTERS}. */
    public static final int AUTO_CLUSTERS = -1;

    /** Images per cluster of {@code --clusters auto}: 100 clusters for the 10,000 embedded digits, as measured. */
    public static final int IMAGES_PER_CLUSTER = 100;

    /** @return whether the images are labelled by k-means clusters (a number of them, or auto) */
    public boolean clustered() {
        return clusters != 0;
    }

    /**
     * The number of clusters for a data set of this size.
     *
     * @param images the images read (after the limit)
     * @return {@code clusters}, or for auto one per {@link #IMAGES_PER_CLUSTER} images, within 2..{@link #MAX_CLUSTERS}
     */
    public int clustersFor(int images) {
        return clusters != AUTO_CLUSTERS ? clusters
                : Math.max(2, Math.min(MAX_CLUSTERS, images / IMAGES_PER_CLUSTER));
    }

    /** Side-by-side pairs: the left half is the input. */
    public static final String A_TO_B = "AtoB";
    /** Side-by-side pairs: the right half is the input. */
    public static final String B_TO_A = "BtoA";

    /** The embedded MNIST digits. */
    public static final String EMBEDDED = "embedded";
    /** The 1-D Gaussian toy data set. */
    public static final String GAUSSIAN = "gaussian";

    /**
     * Returns the embedded digits, optionally limited.
     *
     * @param limit 0 for all
     * @return the config
     */
    public static DataConfig embedded(int limit) {
        return new DataConfig(EMBEDDED, limit, 0, 0, 0, 0, 0, null);
    }

    /**
     * Images: the embedded digits, or a folder of IDX files or image files.
     *
     * @param source {@link #EMBEDDED} or a folder's absolute path
     * @param limit 0 for all
     * @param imageSize resize and centre-crop to this side (0: keep)
     * @param channels 1, 3, or 0 (gray if every image is)
     * @return the config
     */
    public static DataConfig images(String source, int limit, int imageSize, int channels) {
        return new DataConfig(source, limit, 0, 0, 0, imageSize, channels, null);
    }

    /**
     * Image pairs for image-to-image training.
     *
     * @param source {@link #EMBEDDED} (the sketch-to-digit demo) or a folder's absolute path
     * @param limit 0 for all
     * @param channels 1, 3, or 0 (gray if every image is)
     * @param direction {@link #A_TO_B} or {@link #B_TO_A}
     * @return the config
     */
    public static DataConfig pairs(String source, int limit, int channels, String direction) {
        return new DataConfig(source, limit, 0, 0, 0, 0, channels, direction);
    }

    /**
     * The toy's one-pixel samples from N(mean, std).
     *
     * @param mean the mean
     * @param std the standard deviation
     * @param count how many samples
     * @return the config
     */
    public static DataConfig gaussian(double mean, double std, int count) {
        return new DataConfig(GAUSSIAN, 0, mean, std, count, 0, 0, null);
    }

    /** @return the pairs' direction, {@link #A_TO_B} when none is set */
    public String pairDirection() {
        return direction == null ? A_TO_B : direction;
    }

    /**
     * A copy with the pairs' direction set.
     *
     * @param newDirection {@link #A_TO_B} or {@link #B_TO_A}
     * @return the copy
     */
    public DataConfig withDirection(String newDirection) {
        return new DataConfig(source, limit, gaussianMean, gaussianStd, gaussianCount, imageSize, channels, newDirection,
                clusters);
    }

    /**
     * A copy whose images are labelled by their k-means cluster (a self-conditioned GAN).
     *
     * @param k the number of clusters, {@link #AUTO_CLUSTERS}, or 0 for the data's own labels
     * @return the copy
     */
    public DataConfig withClusters(int k) {
        return new DataConfig(source, limit, gaussianMean, gaussianStd, gaussianCount, imageSize, channels, direction, k);
    }

    /**
     * Checks the values.
     *
     * @throws JganException naming the bad value
     */
    public void validate() {
        if (limit < 0) {
            throw new JganException(JganException.USAGE, "--limit must be >= 0 (0 = all), got " + limit);
        }
        if (imageSize < 0 || imageSize > ModelConfig.MAX_SIDE) {
            throw new JganException(JganException.USAGE,
                    "--image-size must be in 1.." + ModelConfig.MAX_SIDE + " (or 0 to keep the size), got " + imageSize);
        }
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new JganException(JganException.USAGE, "--channels must be 1 or 3, got " + channels);
        }
        if (direction != null && !direction.equals(A_TO_B) && !direction.equals(B_TO_A)) {
            throw new JganException(JganException.USAGE, "unknown --direction '" + direction + "': use AtoB or BtoA");
        }
        if (clusters < AUTO_CLUSTERS || clusters == 1 || clusters > MAX_CLUSTERS) {
            throw new JganException(JganException.USAGE, "--clusters must be in 2.." + MAX_CLUSTERS
                    + ", auto, or 0 for the data's own labels, got " + clusters);
        }
        if (clustered() && GAUSSIAN.equals(source)) {
            throw new JganException(JganException.USAGE, "--clusters groups images: the toy's one-number samples"
                    + " have no clusters to learn from");
        }
        if (GAUSSIAN.equals(source)) {
            if (!(gaussianStd > 0) || Math.abs(gaussianMean) + 3 * gaussianStd > 1.0) {
                throw new JganException(
                        JganException.USAGE,
                        "the toy's Gaussian must lie in [-1, 1]: need std > 0 and |mean| + 3*std <= 1"
                                + ", got mean " + gaussianMean + " std " + gaussianStd);
            }
            if (gaussianCount < 1) {
                throw new JganException(JganException.USAGE, "toy sample count must be >= 1");
            }
        }
    }
}
