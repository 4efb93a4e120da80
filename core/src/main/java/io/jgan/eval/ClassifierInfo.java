package io.jgan.eval;

import java.util.List;

/**
 * {@code classifier.json}: what a domain classifier is, how it was trained and measured, and the
 * hashes that tie its weights and its reference statistics together.
 *
 * @param format always {@code jgan-classifier}
 * @param formatVersion readers refuse versions they do not know
 * @param domain {@code mnist}, {@code fashion}, or the name a user gave their data
 * @param architecture the network, with a version (features change when it does)
 * @param classes class names by index
 * @param featureDim size of the feature vector the metrics use
 * @param trainedOn the training images
 * @param trainCount images trained on
 * @param epochs passes over them
 * @param seed the training seed
 * @param heldOutSplit the images accuracy was measured on (never trained on)
 * @param heldOutCount how many
 * @param heldOutAccuracy top-1 accuracy on them
 * @param noiseMeanMaxProb mean of the largest class probability on uniform-noise images (1/10
 *     would be perfectly unsure)
 * @param referenceSplit the real images whose statistics are the reference
 * @param referenceCount how many went into the mean and covariance
 * @param referenceFeatureCount how many feature vectors are kept for KID and precision/recall
 * @param dataFingerprint SHA-256 of the first 16 reference images' bytes: recognises the data set
 * @param weightsSha256 SHA-256 of {@code classifier.tensors}
 * @param referenceSha256 SHA-256 of {@code reference.tensors}
 * @param command the command that made it
 * @param jganVersion the version that made it
 * @param channels the images' channels (absent in the shipped classifiers' files: 1)
 * @param side the images' side (absent in the shipped classifiers' files: 28)
 */
public record ClassifierInfo(
        String format,
        int formatVersion,
        String domain,
        String architecture,
        List<String> classes,
        int featureDim,
        String trainedOn,
        int trainCount,
        int epochs,
        long seed,
        String heldOutSplit,
        int heldOutCount,
        double heldOutAccuracy,
        double noiseMeanMaxProb,
        String referenceSplit,
        int referenceCount,
        int referenceFeatureCount,
        String dataFingerprint,
        String weightsSha256,
        String referenceSha256,
        String command,
        String jganVersion,
        int channels,
        int side) {

    /** Files written before the shape was kept are of 1x28x28 images. */
    public ClassifierInfo {
        channels = channels == 0 ? 1 : channels;
        side = side == 0 ? DomainClassifier.SIDE : side;
    }

    /** The format name. */
    public static final String FORMAT = "jgan-classifier";
    /** The format version this build reads and writes. */
    public static final int FORMAT_VERSION = 1;
}
