package io.jgan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Statistics merged from parts equal those of the whole, and give what the direct formulas give. */
class FeatureStatisticsTest {

    @Test
    void mergedPartsEqualTheWholeAndTheDirectFormulas() {
        int n = 301;
        int d = 128;
        int k = 10;
        Random rng = new Random(4);
        float[] f = new float[n * d];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (3 + 2 * rng.nextGaussian()); // an offset mean, as ReLU features have
        }
        float[] p = new float[n * k];
        int[] asked = new int[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                p[i * k + c] = (float) Math.exp(3 * rng.nextGaussian());
                s += p[i * k + c];
            }
            for (int c = 0; c < k; c++) {
                p[i * k + c] /= (float) s;
            }
            asked[i] = i % k;
        }
        DomainClassifier.Output whole = new DomainClassifier.Output(f, p, n);
        FeatureStatistics all = new FeatureStatistics(d, k);
        all.add(whole, asked);
        FeatureStatistics merged = new FeatureStatistics(d, k);
        int[][] parts = {{0, 100}, {100, 101}, {101, 301}};
        for (int[] r : parts) {
            FeatureStatistics s = new FeatureStatistics(d, k);
            s.add(new DomainClassifier.Output(Arrays.copyOfRange(f, r[0] * d, r[1] * d),
                    Arrays.copyOfRange(p, r[0] * k, r[1] * k), r[1] - r[0]), Arrays.copyOfRange(asked, r[0], r[1]));
            merged.merge(s);
        }
        assertThat(merged.count()).isEqualTo(n);
        double[] mu = FeatureMath.mean(f, n, d);
        double[][] cov = FeatureMath.covariance(f, n, d);
        for (FeatureStatistics s : new FeatureStatistics[] {all, merged}) {
            for (int a = 0; a < d; a++) {
                assertThat(s.mean()[a]).isCloseTo(mu[a], within(1e-12));
                for (int b = 0; b < d; b += 7) {
                    assertThat(s.covariance()[a][b]).isCloseTo(cov[a][b], within(1e-10));
                }
            }
            double[] want = Evaluator.classScores(whole);
            double[] got = s.classScores();
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).as("score %d", i).isCloseTo(want[i], within(1e-12));
            }
            int right = 0;
            for (int i = 0; i < n; i++) {
                right += whole.argmax(i) == i % k ? 1 : 0;
            }
            assertThat(s.agreement()).isEqualTo(right / (double) n);
        }
        assertThat(new FeatureStatistics(d, k).agreement()).isNull();
    }
}
