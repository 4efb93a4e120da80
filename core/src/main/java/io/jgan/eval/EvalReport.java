package io.jgan.eval;

import java.util.List;
import java.util.Locale;

/**
 * What {@code jgan eval} measures, with the protocol that gives every number its meaning.
 *
 * @param protocol how it was measured
 * @param fcd Fréchet Classifier Distance: the Fréchet distance between Gaussians fitted to the
 *     classifier features of generated and reference images (FID's formula, our feature space);
 *     0 is identical statistics, lower is better
 * @param kid KID in the same features (unbiased MMD^2, polynomial kernel), mean over subsets
 * @param kidStd its standard deviation over subsets
 * @param classifierScore exp(E KL(p(y|x) || p(y))) (Inception-Score style): 1 to the class count;
 *     high when samples are confidently classified and spread over the classes
 * @param meanMaxProbability mean confidence of the classifier on the samples
 * @param classShares share of samples per predicted class
 * @param classKlToUniform KL(class shares || uniform) in nats: 0 = all classes equally; ln(10)
 *     = 2.30 = one class only (mode collapse)
 * @param precision share of samples inside the real data's manifold (quality)
 * @param recall share of real data inside the samples' manifold (diversity)
 * @param density Naeem et al.'s density (about 1 for real data; above 1 = crowding real modes)
 * @param coverage share of real samples with a generated sample within their neighbourhood
 * @param memorisation nearest-neighbour distances to the training set, or null when not measured
 * @param classAgreement for a conditional generator's samples (asked for classes in turn): the
 *     share the classifier puts in the asked class; null for other samples
 */
public record EvalReport(
        Protocol protocol,
        double fcd,
        double kid,
        double kidStd,
        double classifierScore,
        double meanMaxProbability,
        List<Double> classShares,
        double classKlToUniform,
        double precision,
        double recall,
        double density,
        double coverage,
        Memorisation memorisation,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Double classAgreement) {

    /**
     * How the numbers were measured.
     *
     * @param samples where the samples came from (checkpoint and step, or file)
     * @param domain classifier domain
     * @param featureNetwork architecture, weights SHA-256 prefix, held-out accuracy
     * @param generatedCount samples evaluated (FCD, classifier score, class shares)
     * @param referenceSplit the real images of the reference statistics
     * @param referenceCount real images behind the reference mean and covariance
     * @param kidSubsets KID subsets
     * @param kidSubsetSize images per KID subset
     * @param prdcK neighbours for precision/recall/density/coverage
     * @param prdcCount real and generated feature vectors each used for them
     * @param seed the noise seed
     * @param classes class names
     */
    public record Protocol(String samples, String domain, String featureNetwork, int generatedCount,
            String referenceSplit, int referenceCount, int kidSubsets, int kidSubsetSize, int prdcK, int prdcCount,
            long seed, List<String> classes) {}

    /**
     * Memorisation check, in pixel space ([0, 1], Euclidean).
     *
     * @param trainingSet the images the generator was trained on
     * @param trainingCount how many
     * @param samplesChecked generated samples compared
     * @param medianNearestGenerated median distance from a sample to its nearest training image
     * @param medianNearestReal the same for real training images to their nearest other training
     *     image (leave-one-out): the baseline
     * @param shareCloserThanReal5th share of samples closer to a training image than 95% of real
     *     images are to theirs (about 0.05 if nothing is copied; near 1 if G memorised)
     */
    public record Memorisation(String trainingSet, int trainingCount, int samplesChecked, double medianNearestGenerated,
            double medianNearestReal, double shareCloserThanReal5th) {}

    /**
     * A readable table.
     *
     * @return lines
     */
    public String table() {
        StringBuilder b = new StringBuilder();
        Protocol p = protocol;
        b.append(String.format(Locale.ROOT, "samples          %s%n", p.samples()));
        b.append(String.format(Locale.ROOT, "feature network  %s%n", p.featureNetwork()));
        b.append(String.format(Locale.ROOT, "reference        %s (%,d images)%n", p.referenceSplit(), p.referenceCount()));
        b.append(String.format(Locale.ROOT, "%-34s %10s%n", "metric", "value"));
        row(b, "FCD (Frechet classifier distance)", fcd, "lower is better; " + p.generatedCount() + " samples");
        b.append(String.format(Locale.ROOT, "%-34s %10.5f  +- %.5f (%d subsets of %d)%n", "KID (x1, unbiased)", kid, kidStd,
                p.kidSubsets(), p.kidSubsetSize()));
        if (classAgreement != null) {
            row(b, "class agreement", classAgreement, "share classified as the class asked for");
        }
        row(b, "classifier score", classifierScore, "1.." + p.classes().size() + ", higher is better");
        row(b, "mean max probability", meanMaxProbability, "classifier confidence");
        row(b, "class KL to uniform (nats)", classKlToUniform, "0 = balanced, " + String.format(Locale.ROOT, "%.2f",
                Math.log(p.classes().size())) + " = one class");
        row(b, "precision", precision, "k=" + p.prdcK() + ", " + p.prdcCount() + " vs " + p.prdcCount());
        row(b, "recall", recall, "");
        row(b, "density", density, "");
        row(b, "coverage", coverage, "");
        StringBuilder shares = new StringBuilder();
        for (int i = 0; i < classShares.size(); i++) {
            shares.append(String.format(Locale.ROOT, "%s%s %.3f", i == 0 ? "" : ", ", p.classes().get(i), classShares.get(i)));
        }
        b.append(String.format(Locale.ROOT, "%-34s %s%n", "class shares", shares));
        if (memorisation != null) {
            Memorisation m = memorisation;
            row(b, "nearest training image (median)", m.medianNearestGenerated(), "samples, pixel L2; "
                    + m.samplesChecked() + " checked against " + m.trainingCount());
            row(b, "  real baseline (leave-one-out)", m.medianNearestReal(), "real training images");
            row(b, "  share closer than real 5th pct", m.shareCloserThanReal5th(), "~0.05 = no copying");
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String name, double v, String note) {
        b.append(String.format(Locale.ROOT, "%-34s %10.4f  %s%n", name, v, note));
    }
}
