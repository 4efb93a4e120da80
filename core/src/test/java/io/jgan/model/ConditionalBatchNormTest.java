package io.jgan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.NamedTensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conditional batch norm against a hand-computed batch: normalise per channel, then class y's gain and bias. */
class ConditionalBatchNormTest {

    @Test
    void eachRowGetsItsClasssGainAndBias() {
        Block body = new Sequential().add(new ConditionalBatchNorm(2)); // z (N, 2) as 2 channels
        try (Network g = new Network("generator", new ClassConditional(2, 2, body), 2 + 2); Scope s = Scope.open()) {
            assertThat(g.namedParameters().stream().map(Parameter::name)).containsExactly(
                    "01SequentialBlock_01ConditionalBatchNorm_gamma", "01SequentialBlock_01ConditionalBatchNorm_beta",
                    "01SequentialBlock_01ConditionalBatchNorm_01BatchNorm_runningMean",
                    "01SequentialBlock_01ConditionalBatchNorm_01BatchNorm_runningVar");
            g.copyFrom(List.of(
                    new NamedTensor("01SequentialBlock_01ConditionalBatchNorm_gamma", new long[] {2, 2},
                            new float[] {2, 3, -1, 0.5f}), // class 0: (2, 3), class 1: (-1, 0.5)
                    new NamedTensor("01SequentialBlock_01ConditionalBatchNorm_beta", new long[] {2, 2},
                            new float[] {0, 1, 10, 20}),
                    new NamedTensor("01SequentialBlock_01ConditionalBatchNorm_01BatchNorm_runningMean", new long[] {2},
                            new float[] {0, 0}),
                    new NamedTensor("01SequentialBlock_01ConditionalBatchNorm_01BatchNorm_runningVar", new long[] {2},
                            new float[] {1, 1})));
            // z rows (1, 0), (3, 4), (5, 8), (7, 12); classes 0, 1, 0, 1
            float[] in = {1, 0, 1, 0, 3, 4, 0, 1, 5, 8, 1, 0, 7, 12, 0, 1};
            float[] out = Torch.floats(g.forward(Torch.tensor(in, 4, 4), true));
            double[][] z = {{1, 0}, {3, 4}, {5, 8}, {7, 12}};
            int[] y = {0, 1, 0, 1};
            double[][] gamma = {{2, 3}, {-1, 0.5}};
            double[][] beta = {{0, 1}, {10, 20}};
            for (int c = 0; c < 2; c++) {
                double mean = 0;
                for (double[] r : z) {
                    mean += r[c] / 4;
                }
                double var = 0;
                for (double[] r : z) {
                    var += (r[c] - mean) * (r[c] - mean) / 4;
                }
                for (int n = 0; n < 4; n++) {
                    double h = (z[n][c] - mean) / Math.sqrt(var + 1e-5);
                    assertThat(out[n * 2 + c]).as("row %d channel %d", n, c)
                            .isCloseTo((float) (gamma[y[n]][c] * h + beta[y[n]][c]), within(1e-4f));
                }
            }
        }
    }

    @Test
    void outsideAClassConditionalGeneratorItSaysSo() {
        assertThatThrownBy(() -> new Network("g", new Sequential().add(new ConditionalBatchNorm(2)), 3))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a class-conditional generator");
    }
}
