package io.jgan.eval;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The maths of the quality metrics, on feature vectors stored row-major as {@code float[n*d]}.
 * Statistics are accumulated in double precision; the large pairwise products (Gram matrices,
 * distances) run through the engine's matrix product in float32.
 */
public final class FeatureMath {

    private FeatureMath() {}

    /**
     * Column means.
     *
     * @param x (n, d)
     * @param n rows
     * @param d columns
     * @return (d)
     */
    public static double[] mean(float[] x, int n, int d) {
        double[] mu = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mu[j] += x[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        return mu;
    }

    /**
     * Unbiased covariance (divides by n - 1, as numpy's {@code np.cov(x, rowvar=False)} that
     * FID code uses).
     *
     * @param x (n, d)
     * @param n rows, at least 2
     * @param d columns
     * @return (d, d)
     */
    public static double[][] covariance(float[] x, int n, int d) {
        double[] mu = mean(x, n, d);
        double[][] c = new double[d][d];
        double[] row = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                row[j] = x[i * d + j] - mu[j];
            }
            for (int a = 0; a < d; a++) {
                double ra = row[a];
                double[] ca = c[a];
                for (int b = a; b < d; b++) {
                    ca[b] += ra * row[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                c[a][b] /= (n - 1);
                c[b][a] = c[a][b];
            }
        }
        return c;
    }

    /**
     * Fréchet distance between N(mu1, s1) and N(mu2, s2):
     * {@code |mu1 - mu2|^2 + tr(s1) + tr(s2) - 2 tr((s1 s2)^(1/2))}.
     *
     * <p>{@code tr((s1 s2)^(1/2))} is computed as {@code tr((A s2 A)^(1/2))} with {@code A = s1^(1/2)}:
     * the same eigenvalues, but a symmetric matrix, so two symmetric eigendecompositions give it
     * without the complex square roots scipy's {@code sqrtm} must clean up.
     *
     * @param mu1 first mean
     * @param s1 first covariance
     * @param mu2 second mean
     * @param s2 second covariance
     * @return the squared Fréchet distance (what FID reports), never negative
     */
    public static double frechet(double[] mu1, double[][] s1, double[] mu2, double[][] s2) {
        int d = mu1.length;
        if (!finite(mu1, s1) || !finite(mu2, s2)) {
            return Double.NaN; // features of a diverged G: no distance, and no reason to stop a run
        }
        double diff = 0;
        for (int i = 0; i < d; i++) {
            diff += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]);
        }
        DMatrixRMaj a = new DMatrixRMaj(s1);
        DMatrixRMaj b = new DMatrixRMaj(s2);
        DMatrixRMaj sqrtA = symmetricPower(a, 0.5);
        DMatrixRMaj tmp = new DMatrixRMaj(d, d);
        DMatrixRMaj m = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(sqrtA, b, tmp);
        CommonOps_DDRM.mult(tmp, sqrtA, m);
        double trSqrt = 0;
        for (double ev : symmetricEigenvalues(m)) {
            trSqrt += Math.sqrt(Math.max(0, ev));
        }
        double fd = diff + CommonOps_DDRM.trace(a) + CommonOps_DDRM.trace(b) - 2 * trSqrt;
        return Math.max(0, fd);
    }

    private static boolean finite(double[] mu, double[][] s) {
        for (double v : mu) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        for (double[] row : s) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A symmetric eigendecomposition that converges: EJML's QR iteration failed to converge on the
     * near-singular covariance of a collapsed generator (every sample alike), and that stopped a
     * training run at its --eval-every. Then, as pytorch-fid does for a singular product, a small
     * multiple of the identity (1e-6 of the mean diagonal, then 10 and 100 times that) is added to
     * the diagonal; it moves the eigenvalues by that much and no eigenvector.
     */
    private static EigenDecomposition_F64<DMatrixRMaj> decomposed(DMatrixRMaj m, boolean vectors) {
        DMatrixRMaj s = symmetrised(m);
        int d = s.numRows;
        double scale = Math.max(1e-12, Math.abs(CommonOps_DDRM.trace(s)) / d);
        for (int attempt = 0; attempt < 4; attempt++) {
            DMatrixRMaj t = s.copy();
            if (attempt > 0) {
                double eps = 1e-6 * scale * Math.pow(10, attempt - 1);
                for (int i = 0; i < d; i++) {
                    t.add(i, i, eps);
                }
            }
            EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, vectors, true);
            if (eig.decompose(t)) {
                return eig;
            }
        }
        throw new ArithmeticException("eigendecomposition did not converge, even with 1e-4 of the mean diagonal added");
    }

    private static double[] symmetricEigenvalues(DMatrixRMaj m) {
        EigenDecomposition_F64<DMatrixRMaj> eig = decomposed(m, false);
        double[] out = new double[m.numRows];
        for (int i = 0; i < out.length; i++) {
            out[i] = eig.getEigenvalue(i).getReal();
        }
        return out;
    }

    /** V diag(max(lambda, 0)^p) V^T of a symmetric matrix. */
    private static DMatrixRMaj symmetricPower(DMatrixRMaj m, double p) {
        int d = m.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = decomposed(m, true);
        DMatrixRMaj out = new DMatrixRMaj(d, d);
        for (int k = 0; k < d; k++) {
            double w = Math.pow(Math.max(0, eig.getEigenvalue(k).getReal()), p);
            DMatrixRMaj v = eig.getEigenVector(k);
            for (int i = 0; i < d; i++) {
                double vi = v.get(i, 0) * w;
                for (int j = 0; j < d; j++) {
                    out.add(i, j, vi * v.get(j, 0));
                }
            }
        }
        return out;
    }

    private static DMatrixRMaj symmetrised(DMatrixRMaj m) {
        DMatrixRMaj t = new DMatrixRMaj(m.numCols, m.numRows);
        CommonOps_DDRM.transpose(m, t);
        DMatrixRMaj s = new DMatrixRMaj(m.numRows, m.numCols);
        CommonOps_DDRM.add(0.5, m, 0.5, t, s);
        return s;
    }

    /**
     * Kernel Inception Distance in this feature space (Bińkowski et al. 2018): the unbiased
     * estimate of MMD^2 with the polynomial kernel {@code k(x, y) = (x.y / d + 1)^3}, averaged
     * over random subsets (clean-fid's protocol: 100 subsets of at most 1,000 of each set).
     *
     * @param x (m, d) first set
     * @param m its rows
     * @param y (n, d) second set
     * @param n its rows
     * @param d feature size
     * @param subsets number of subsets
     * @param maxSubset largest subset size
     * @param seed subset draws
     * @return {mean, standard deviation over subsets, subset size}
     */
    public static double[] kid(float[] x, int m, float[] y, int n, int d, int subsets, int maxSubset, long seed) {
        int s = Math.min(maxSubset, Math.min(m, n));
        float[] kxx = gram(x, m, x, m, d);
        float[] kyy = gram(y, n, y, n, d);
        float[] kxy = gram(x, m, y, n, d);
        Random rng = new Random(seed);
        double[] values = new double[subsets];
        for (int t = 0; t < subsets; t++) {
            int[] a = sample(m, s, rng);
            int[] b = sample(n, s, rng);
            double sxx = 0;
            double syy = 0;
            double sxy = 0;
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    if (i != j) {
                        sxx += poly(kxx[a[i] * m + a[j]], d);
                        syy += poly(kyy[b[i] * n + b[j]], d);
                    }
                    sxy += poly(kxy[a[i] * n + b[j]], d);
                }
            }
            values[t] = sxx / ((double) s * (s - 1)) + syy / ((double) s * (s - 1)) - 2 * sxy / ((double) s * s);
        }
        double mean = Arrays.stream(values).average().orElse(0);
        double var = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, subsets - 1);
        return new double[] {mean, Math.sqrt(var), s};
    }

    private static double poly(float dot, int d) {
        double k = dot / (double) d + 1;
        return k * k * k;
    }

    private static int[] sample(int n, int k, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = 0; i < k; i++) { // partial Fisher-Yates: k distinct indices
            int j = i + rng.nextInt(n - i);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return Arrays.copyOf(p, k);
    }

    /**
     * Dot products of every row of a with every row of b, through the engine's GEMM.
     *
     * @param a (na, d)
     * @param na rows of a
     * @param b (nb, d)
     * @param nb rows of b
     * @param d columns
     * @return (na, nb) row-major
     */
    public static float[] gram(float[] a, int na, float[] b, int nb, int d) {
        try (Scope scope = Scope.open()) {
            Tensor x = Torch.tensor(Arrays.copyOf(a, na * d), na, d);
            Tensor y = Torch.tensor(Arrays.copyOf(b, nb * d), nb, d);
            return Torch.floats(x.matmul(y.t()));
        }
    }

    /**
     * Euclidean distances from each query to its k smallest distances in a set.
     *
     * @param q (nq, d) queries
     * @param nq number of queries
     * @param set (ns, d) the set
     * @param ns its size
     * @param d columns
     * @param k how many nearest (k-th smallest is {@code out[i][k-1]})
     * @param skipSelf the queries are the first rows of the set: leave each one's own row out
     * @return (nq, k) sorted distances
     */
    public static double[][] nearest(float[] q, int nq, float[] set, int ns, int d, int k, boolean skipSelf) {
        double[] qq = squaredNorms(q, nq, d);
        double[] ss = squaredNorms(set, ns, d);
        double[][] out = new double[nq][];
        int chunk = Math.max(1, 4_000_000 / Math.max(1, ns)); // bounds the (chunk, ns) block in memory
        try (Scope scope = Scope.open()) {
            Tensor y = Torch.tensor(Arrays.copyOf(set, ns * d), ns, d).t();
            for (int start = 0; start < nq; start += chunk) {
                int c = Math.min(chunk, nq - start);
                try (Scope chunkScope = Scope.open()) {
                    Tensor x = Torch.tensor(Arrays.copyOfRange(q, start * d, (start + c) * d), c, d);
                    float[] dots = Torch.floats(x.matmul(y));
                    for (int i = 0; i < c; i++) {
                        int qi = start + i;
                        double[] best = new double[k];
                        Arrays.fill(best, Double.POSITIVE_INFINITY);
                        for (int j = 0; j < ns; j++) {
                            if (skipSelf && j == qi) {
                                continue;
                            }
                            double dist = qq[qi] + ss[j] - 2.0 * dots[i * ns + j];
                            if (dist < best[k - 1]) {
                                int p = k - 1;
                                while (p > 0 && best[p - 1] > dist) {
                                    best[p] = best[p - 1];
                                    p--;
                                }
                                best[p] = dist;
                            }
                        }
                        for (int t = 0; t < k; t++) {
                            best[t] = Math.sqrt(Math.max(0, best[t]));
                        }
                        out[qi] = best;
                    }
                }
            }
        }
        return out;
    }

    /**
     * All Euclidean distances between two sets.
     *
     * @param a (na, d)
     * @param na rows
     * @param b (nb, d)
     * @param nb rows
     * @param d columns
     * @return (na, nb) row-major
     */
    public static double[] distances(float[] a, int na, float[] b, int nb, int d) {
        double[] aa = squaredNorms(a, na, d);
        double[] bb = squaredNorms(b, nb, d);
        float[] dots = gram(a, na, b, nb, d);
        double[] out = new double[na * nb];
        for (int i = 0; i < na; i++) {
            for (int j = 0; j < nb; j++) {
                out[i * nb + j] = Math.sqrt(Math.max(0, aa[i] + bb[j] - 2.0 * dots[i * nb + j]));
            }
        }
        return out;
    }

    private static double[] squaredNorms(float[] x, int n, int d) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) x[i * d + j] * x[i * d + j];
            }
            out[i] = s;
        }
        return out;
    }

    /**
     * Precision and recall (Kynkäänniemi et al. 2019) and density and coverage (Naeem et al.
     * 2020) with k nearest neighbours: each real sample's ball reaches its k-th nearest real
     * neighbour (likewise for generated samples, for recall).
     *
     * @param real (r, d)
     * @param r real rows
     * @param fake (f, d)
     * @param f generated rows
     * @param d columns
     * @param k neighbours (the papers use 3 and 5; jgan uses 3 for all four)
     * @return {precision, recall, density, coverage}
     */
    public static double[] precisionRecallDensityCoverage(float[] real, int r, float[] fake, int f, int d, int k) {
        double[] realRadius = kthRadius(real, r, d, k);
        double[] fakeRadius = kthRadius(fake, f, d, k);
        double[] rf = distances(real, r, fake, f, d); // (r, f)
        int precise = 0;
        double density = 0;
        for (int j = 0; j < f; j++) {
            boolean inside = false;
            for (int i = 0; i < r; i++) {
                if (rf[i * f + j] <= realRadius[i]) {
                    inside = true;
                    density++;
                }
            }
            precise += inside ? 1 : 0;
        }
        int recalled = 0;
        int covered = 0;
        for (int i = 0; i < r; i++) {
            boolean inFake = false;
            double nearest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < f; j++) {
                double dist = rf[i * f + j];
                inFake |= dist <= fakeRadius[j];
                nearest = Math.min(nearest, dist);
            }
            recalled += inFake ? 1 : 0;
            covered += nearest <= realRadius[i] ? 1 : 0;
        }
        return new double[] {precise / (double) f, recalled / (double) r, density / ((double) k * f),
            covered / (double) r};
    }

    private static double[] kthRadius(float[] x, int n, int d, int k) {
        double[][] nn = nearest(x, n, x, n, d, k, true);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = nn[i][k - 1];
        }
        return out;
    }
}
