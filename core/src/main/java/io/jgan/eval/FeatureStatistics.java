package io.jgan.eval;

import java.io.Serializable;

/**
 * What FCD and the class scores need of a set of images, as sums that merge: the count, the
 * feature sum (128) and outer-product sum (128 x 128), the class-probability sum, the argmax
 * histogram, the sums of max p and of p log p, and the asked-class hits. {@code jgan eval} builds
 * one from all its samples; Spark builds one per partition and merges them, and both end in the
 * same {@link Evaluator#fromStatistics}.
 */
public final class FeatureStatistics implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int d;
    private final int k;
    private long n;
    private final double[] sum;
    private final double[] outer; // (d, d) row-major, upper triangle filled
    private final double[] probSum;
    private final long[] hist;
    private double maxProbSum;
    private double pLogPSum;
    private long asked;
    private long agreed;

    /**
     * Empty statistics.
     *
     * @param d feature size
     * @param k classes
     */
    public FeatureStatistics(int d, int k) {
        this.d = d;
        this.k = k;
        this.sum = new double[d];
        this.outer = new double[d * d];
        this.probSum = new double[k];
        this.hist = new long[k];
    }

    /**
     * Adds classifier outputs.
     *
     * @param out features (n, d) and probabilities (n, k)
     * @param askedClass each row's asked class (a conditional generator's label), or null
     */
    public void add(DomainClassifier.Output out, int[] askedClass) {
        float[] f = out.features();
        float[] p = out.probabilities();
        for (int i = 0; i < out.n(); i++) {
            for (int a = 0; a < d; a++) {
                double fa = f[i * d + a];
                sum[a] += fa;
                int row = a * d;
                for (int b = a; b < d; b++) {
                    outer[row + b] += fa * f[i * d + b];
                }
            }
            int arg = out.argmax(i);
            hist[arg]++;
            maxProbSum += p[i * k + arg];
            for (int c = 0; c < k; c++) {
                double q = p[i * k + c];
                probSum[c] += q;
                if (q > 0) {
                    pLogPSum += q * Math.log(q);
                }
            }
            if (askedClass != null) {
                asked++;
                agreed += arg == askedClass[i] ? 1 : 0;
            }
        }
        n += out.n();
    }

    /**
     * Adds another set's sums into this one.
     *
     * @param o statistics of the same feature size and classes
     * @return this
     */
    public FeatureStatistics merge(FeatureStatistics o) {
        if (o.d != d || o.k != k) {
            throw new IllegalArgumentException("statistics of " + o.d + " features, " + o.k + " classes merged into " + d
                    + ", " + k);
        }
        n += o.n;
        for (int i = 0; i < d; i++) {
            sum[i] += o.sum[i];
        }
        for (int i = 0; i < outer.length; i++) {
            outer[i] += o.outer[i];
        }
        for (int c = 0; c < k; c++) {
            probSum[c] += o.probSum[c];
            hist[c] += o.hist[c];
        }
        maxProbSum += o.maxProbSum;
        pLogPSum += o.pLogPSum;
        asked += o.asked;
        agreed += o.agreed;
        return this;
    }

    /** @return the number of images */
    public long count() {
        return n;
    }

    /** @return the feature mean (d) */
    public double[] mean() {
        double[] mu = new double[d];
        for (int a = 0; a < d; a++) {
            mu[a] = sum[a] / n;
        }
        return mu;
    }

    /** @return the unbiased feature covariance (d, d): (sum f f' - n mu mu') / (n - 1) */
    public double[][] covariance() {
        double[] mu = mean();
        double[][] c = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                c[a][b] = (outer[a * d + b] - n * mu[a] * mu[b]) / (n - 1);
                c[b][a] = c[a][b];
            }
        }
        return c;
    }

    /**
     * Classifier score exp(E_x KL(p(y|x) || p(y))), mean max probability, KL of the argmax
     * histogram to uniform, then the class shares: what {@link Evaluator#classScores} gives.
     *
     * @return {score, meanMax, kl, share_0..share_{k-1}}
     */
    public double[] classScores() {
        double kl = pLogPSum / n; // E_x sum_c p log p - sum_c m_c log m_c, m = the marginal
        for (int c = 0; c < k; c++) {
            double m = probSum[c] / n;
            if (m > 0) {
                kl -= m * Math.log(m);
            }
        }
        double klUniform = 0;
        double[] res = new double[3 + k];
        for (int c = 0; c < k; c++) {
            double h = hist[c] / (double) n;
            if (h > 0) {
                klUniform += h * Math.log(h * k);
            }
            res[3 + c] = h;
        }
        res[0] = Math.exp(kl);
        res[1] = maxProbSum / n;
        res[2] = klUniform;
        return res;
    }

    /** @return the share of images classified as their asked class, or null when none was asked */
    public Double agreement() {
        return asked == 0 ? null : agreed / (double) asked;
    }

    /** @return the number of classes */
    public int classes() {
        return k;
    }
}
