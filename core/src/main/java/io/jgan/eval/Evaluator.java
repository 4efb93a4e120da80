package io.jgan.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes an {@link EvalReport} for samples, in a domain classifier's feature space.
 *
 * <p>Protocol (clean-fid / torch-fidelity conventions where they apply): FCD between the
 * samples' features and the reference split's (mean and covariance over all of it); KID over 100
 * subsets of at most 1,000 of the samples and of the kept reference features; precision, recall,
 * density and coverage with k = 3 on L2-normalised features and equal counts (at most 2,000
 * each); memorisation on at most 1,000 samples against every training image.
 */
public final class Evaluator {

    /** KID subsets (clean-fid's default). */
    public static final int KID_SUBSETS = 100;
    /** Largest KID subset (clean-fid's default). */
    public static final int KID_SUBSET = 1000;
    /** Neighbours for precision/recall/density/coverage (Kynkäänniemi et al.'s default). */
    public static final int PRDC_K = 3;
    /** Samples checked for memorisation. */
    public static final int MEMORISATION_SAMPLES = 1000;

    private Evaluator() {}

    /**
     * Evaluates samples.
     *
     * @param bundle the domain classifier and its reference
     * @param samples (n, 784) values in [0, 1]
     * @param n number of samples, at least 2
     * @param training the generator's training images (m, 784) in [0, 1], or null to skip the
     *     memorisation check
     * @param trainingCount m
     * @param trainingSet what the training images are
     * @param samplesFrom where the samples came from, for the protocol
     * @param seed subset draws
     * @return the report
     */
    public static EvalReport evaluate(ClassifierBundle bundle, float[] samples, int n, float[] training,
            int trainingCount, String trainingSet, String samplesFrom, long seed) {
        return evaluate(bundle, samples, n, training, trainingCount, trainingSet, samplesFrom, seed, 0);
    }

    /**
     * Evaluates samples of a conditional generator, which were asked for classes in turn: sample i
     * for class i mod K. Adds the share the classifier puts in the asked class.
     *
     * @param bundle the domain classifier and its reference
     * @param samples (n, C*H*W) values in [0, 1]
     * @param n number of samples, at least 2
     * @param training the generator's training images, or null
     * @param trainingCount their count
     * @param trainingSet what they are
     * @param samplesFrom where the samples came from
     * @param seed subset draws
     * @param askedClasses K, the generator's classes, or 0 for an unconditional one (no agreement)
     * @return the report
     */
    public static EvalReport evaluate(ClassifierBundle bundle, float[] samples, int n, float[] training,
            int trainingCount, String trainingSet, String samplesFrom, long seed, int askedClasses) {
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 samples");
        }
        DomainClassifier.Output out = bundle.classifier().run(samples, n);
        int[] askedClass = null;
        if (askedClasses > 0 && askedClasses == out.classes()) { // the classifier knows the generator's classes
            askedClass = new int[n];
            for (int i = 0; i < n; i++) {
                askedClass[i] = i % askedClasses; // sample i was asked for class i mod K
            }
        }
        FeatureStatistics stats = new FeatureStatistics(DomainClassifier.FEATURES, out.classes());
        stats.add(out, askedClass);
        EvalReport.Memorisation mem = training == null ? null
                : memorisation(samples, Math.min(n, MEMORISATION_SAMPLES), samples.length / n, training, trainingCount,
                        trainingSet);
        return fromStatistics(bundle, stats, out.features(), n, mem, samplesFrom, seed);
    }

    /**
     * The report from merged statistics and a subsample of the features: what {@code jgan eval}
     * and Spark's evaluator both end in. FCD, the class scores and the class agreement come from
     * the statistics (all images); KID and precision/recall/density/coverage from the kept
     * features (jgan eval keeps all of them, in sample order).
     *
     * @param bundle the domain classifier and its reference
     * @param stats the images' statistics, at least 2 images
     * @param kept kept features (keptCount, 128) row-major
     * @param keptCount how many were kept
     * @param mem the memorisation check, or null
     * @param samplesFrom where the samples came from, for the protocol
     * @param seed KID's subset draws
     * @return the report
     */
    public static EvalReport fromStatistics(ClassifierBundle bundle, FeatureStatistics stats, float[] kept,
            int keptCount, EvalReport.Memorisation mem, String samplesFrom, long seed) {
        if (stats.count() < 2 || keptCount < 2) {
            throw new IllegalArgumentException("need at least 2 samples");
        }
        int d = DomainClassifier.FEATURES;
        double fcd = FeatureMath.frechet(stats.mean(), stats.covariance(), bundle.mu(), bundle.sigma());
        float[] ref = bundle.referenceFeatures();
        int r = ref.length / d;
        double[] kid = FeatureMath.kid(kept, keptCount, ref, r, d, KID_SUBSETS, KID_SUBSET, seed);
        int c = Math.min(Math.min(keptCount, r), ClassifierBuilder.KEPT_FEATURES);
        double[] prdc = FeatureMath.precisionRecallDensityCoverage(normalised(Arrays.copyOf(ref, c * d), d), c,
                normalised(Arrays.copyOf(kept, c * d), d), c, d, PRDC_K);
        double[] scores = stats.classScores();
        int k = stats.classes();
        List<Double> shares = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            shares.add(scores[3 + i]);
        }
        ClassifierInfo info = bundle.info();
        EvalReport.Protocol protocol = new EvalReport.Protocol(samplesFrom, info.domain(),
                String.format(java.util.Locale.ROOT, "%s (%s, weights sha256 %s, %.2f%% on %s)", info.architecture(),
                        bundle.source(), info.weightsSha256().substring(0, 12), 100 * info.heldOutAccuracy(),
                        info.heldOutSplit()),
                (int) Math.min(Integer.MAX_VALUE, stats.count()), info.referenceSplit(), info.referenceCount(),
                KID_SUBSETS, (int) kid[2], PRDC_K, c, seed, info.classes());
        return new EvalReport(protocol, fcd, kid[0], kid[1], scores[0], scores[1], shares, scores[2], prdc[0], prdc[1],
                prdc[2], prdc[3], mem, stats.agreement());
    }

    /**
     * Scales each row to unit length, in place. Precision and density need it: on raw features
     * every uniform-noise image maps to about one point inside the wide k-NN balls of a few odd
     * real digits, and noise scored precision 1.000 (README, "Calibration").
     *
     * @param x (n, d)
     * @param d columns
     * @return x
     */
    static float[] normalised(float[] x, int d) {
        for (int i = 0; i < x.length / d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += x[i * d + j] * x[i * d + j];
            }
            float inv = (float) (1 / Math.max(1e-12, Math.sqrt(s)));
            for (int j = 0; j < d; j++) {
                x[i * d + j] *= inv;
            }
        }
        return x;
    }

    /**
     * Classifier score, mean max probability, KL of the class histogram to uniform, then the
     * class shares.
     *
     * @param out classifier output
     * @return {score, meanMax, kl, share_0..share_{k-1}}
     */
    static double[] classScores(DomainClassifier.Output out) {
        int n = out.n();
        int k = out.classes();
        float[] p = out.probabilities();
        double[] marginal = new double[k];
        double meanMax = 0;
        double[] hist = new double[k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                marginal[c] += p[i * k + c] / (double) n;
            }
            int a = out.argmax(i);
            hist[a] += 1.0 / n;
            meanMax += p[i * k + a] / (double) n;
        }
        double kl = 0; // E_x KL(p(y|x) || p(y))
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double q = p[i * k + c];
                if (q > 0) {
                    kl += q * (Math.log(q) - Math.log(marginal[c])) / n;
                }
            }
        }
        double klUniform = 0;
        for (double h : hist) {
            if (h > 0) {
                klUniform += h * Math.log(h * k);
            }
        }
        double[] res = new double[3 + k];
        res[0] = Math.exp(kl);
        res[1] = meanMax;
        res[2] = klUniform;
        System.arraycopy(hist, 0, res, 3, k);
        return res;
    }

    /** Nearest training image in pixel space (d values per image) for n samples and for q training images. */
    private static EvalReport.Memorisation memorisation(float[] samples, int n, int d, float[] training, int m,
            String trainingSet) {
        double[][] gen = FeatureMath.nearest(samples, n, training, m, d, 1, false);
        int q = Math.min(m - 1, MEMORISATION_SAMPLES);
        double[][] real = FeatureMath.nearest(training, q, training, m, d, 1, true);
        double[] g = new double[n];
        double[] rr = new double[q];
        for (int i = 0; i < n; i++) {
            g[i] = gen[i][0];
        }
        for (int i = 0; i < q; i++) {
            rr[i] = real[i][0];
        }
        Arrays.sort(g);
        Arrays.sort(rr);
        double p5 = rr[(int) Math.floor(0.05 * (q - 1))];
        int closer = 0;
        for (double v : g) {
            closer += v < p5 ? 1 : 0;
        }
        return new EvalReport.Memorisation(trainingSet, m, n, g[n / 2], rr[q / 2], closer / (double) n);
    }
}
