package io.jgan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureMathTest {

    @Test
    void frechetMatchesAHandComputedCase() {
        // S1 = [[2,1],[1,2]] has eigenvalues 3 and 1, so tr(S1^(1/2) I) = sqrt 3 + 1 and
        // FD = 0 + tr S1 + tr I - 2 (sqrt 3 + 1) = 4 - 2 sqrt 3
        double fd = FeatureMath.frechet(new double[] {1, 2}, new double[][] {{2, 1}, {1, 2}}, new double[] {1, 2},
                new double[][] {{1, 0}, {0, 1}});
        assertThat(fd).isCloseTo(4 - 2 * Math.sqrt(3), within(1e-12));
        // a shift adds |mu1 - mu2|^2 = 3^2 + 4^2
        double shifted = FeatureMath.frechet(new double[] {0, 0}, new double[][] {{2, 1}, {1, 2}}, new double[] {3, 4},
                new double[][] {{1, 0}, {0, 1}});
        assertThat(shifted).isCloseTo(25 + 4 - 2 * Math.sqrt(3), within(1e-12));
    }

    @Test
    void frechetOfASetWithItselfIsZeroAndOfDiagonalGaussiansIsTheClosedForm() {
        Random rng = new Random(3);
        int n = 500;
        int d = 16;
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * (1 + i % d) + (i % 3));
        }
        double[] mu = FeatureMath.mean(x, n, d);
        double[][] s = FeatureMath.covariance(x, n, d);
        assertThat(FeatureMath.frechet(mu, s, mu, s)).isCloseTo(0, within(1e-8));

        // N(0, diag(a)) vs N(delta, diag(b)): |delta|^2 + sum (sqrt a - sqrt b)^2
        double[] a = {1, 4, 9, 0.25};
        double[] b = {4, 1, 9, 1};
        double[] delta = {1, -2, 0, 0.5};
        double[][] sa = new double[4][4];
        double[][] sb = new double[4][4];
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            sa[i][i] = a[i];
            sb[i][i] = b[i];
            expected += delta[i] * delta[i] + Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        }
        assertThat(FeatureMath.frechet(new double[4], sa, delta, sb)).isCloseTo(expected, within(1e-10));
    }

    @Test
    void frechetOfSampledShiftedGaussiansApproachesTheShift() {
        Random rng = new Random(11);
        int n = 20_000;
        int d = 4;
        float[] x = new float[n * d];
        float[] y = new float[n * d];
        double[] shift = {0.5, -1.0, 0.0, 2.0}; // |shift|^2 = 5.25
        for (int i = 0; i < n * d; i++) {
            x[i] = (float) rng.nextGaussian();
            y[i] = (float) (rng.nextGaussian() + shift[i % d]);
        }
        double fd = FeatureMath.frechet(FeatureMath.mean(x, n, d), FeatureMath.covariance(x, n, d),
                FeatureMath.mean(y, n, d), FeatureMath.covariance(y, n, d));
        assertThat(fd).isCloseTo(5.25, within(0.08));
    }

    @Test
    void kidMatchesAHandComputedCaseAndSeparatesDistributions() {
        // d = 1, x = {0, 1}, y = {0, 2}, k(u, v) = (uv + 1)^3:
        // xx: 2 k(0,1) / 2 = 1; yy: 2 k(0,2) / 2 = 1; xy: (1 + 1 + 1 + 27) / 4 = 7.5; MMD^2 = 1 + 1 - 2 * 7.5
        double[] kid = FeatureMath.kid(new float[] {0, 1}, 2, new float[] {0, 2}, 2, 1, 5, 1000, 1);
        assertThat(kid[0]).isCloseTo(-13, within(1e-6));
        assertThat(kid[1]).isCloseTo(0, within(1e-9));

        Random rng = new Random(5);
        int n = 600;
        int d = 8;
        float[] a = new float[n * d];
        float[] b = new float[n * d];
        float[] c = new float[n * d];
        for (int i = 0; i < n * d; i++) {
            a[i] = (float) rng.nextGaussian();
            b[i] = (float) rng.nextGaussian();
            c[i] = (float) (rng.nextGaussian() + 1);
        }
        double[] same = FeatureMath.kid(a, n, b, n, d, 20, 300, 2);
        double[] shifted = FeatureMath.kid(a, n, c, n, d, 20, 300, 2);
        assertThat(Math.abs(same[0])).isLessThan(0.05); // unbiased: about 0 for one distribution
        assertThat(shifted[0]).isGreaterThan(1.0);
    }

    @Test
    void precisionRecallDensityCoverageOnIdenticalAndDisjointSets() {
        Random rng = new Random(8);
        int n = 300;
        int d = 5;
        float[] a = new float[n * d];
        float[] far = new float[n * d];
        for (int i = 0; i < n * d; i++) {
            a[i] = (float) rng.nextGaussian();
            far[i] = a[i] + 100;
        }
        double[] same = FeatureMath.precisionRecallDensityCoverage(a, n, a, n, d, 5);
        assertThat(same[0]).isEqualTo(1.0);
        assertThat(same[1]).isEqualTo(1.0);
        assertThat(same[3]).isEqualTo(1.0);
        assertThat(same[2]).isGreaterThan(0.9); // density: (k+1)/k on average for the set itself
        double[] apart = FeatureMath.precisionRecallDensityCoverage(a, n, far, n, d, 5);
        assertThat(apart).containsExactly(0.0, 0.0, 0.0, 0.0);
    }

    @Test
    void nearestNeighboursLeaveSelfOutWhenAsked() {
        float[] pts = {0, 0, 3, 4, 6, 8};
        double[][] nn = FeatureMath.nearest(pts, 3, pts, 3, 2, 2, true);
        assertThat(nn[0]).containsExactly(5.0, 10.0);
        assertThat(nn[1][0]).isCloseTo(5.0, within(1e-6));
        double[][] withSelf = FeatureMath.nearest(pts, 1, pts, 3, 2, 1, false);
        assertThat(withSelf[0][0]).isCloseTo(0.0, within(1e-6));
    }

    @Test
    void aDivergedGeneratorsFeaturesGiveNoDistanceRatherThanAnError() {
        double[] mu = {1, Double.NaN};
        double[][] s = {{1, 0}, {0, 1}};
        org.assertj.core.api.Assertions.assertThat(FeatureMath.frechet(mu, s, new double[] {0, 0}, s)).isNaN();
        // a collapsed generator: every sample alike, a zero covariance; the distance is the mean's
        // plus the other set's trace (1 + 2 + 4 = 7 here), not an error
        double[][] zero = new double[2][2];
        org.assertj.core.api.Assertions.assertThat(FeatureMath.frechet(new double[] {1, 2}, zero, new double[] {1, 0},
                new double[][] {{2, 0}, {0, 1}})).isCloseTo(7, org.assertj.core.api.Assertions.within(1e-5));
    }
}
