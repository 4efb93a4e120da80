package io.jgan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.NamedTensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Spectral normalisation against hand-computed values (one power iteration, sigma, the output,
 * the gradient through sigma) and against PyTorch's {@code spectral_norm} on the same numbers.
 */
class SpectralNormTest {

    private static final double[][] W = {{1, 2, -1}, {0.5, -1.5, 3}};
    private static final float[] X = {1, -1, 0.5f, 0, 2, 1}; // (2, 3)

    private static Network linear() {
        Network net = new Network("d", new Linear(2, Init.ZEROS, Init.ZEROS).spectralNorm(), 3);
        net.copyFrom(List.of(new NamedTensor("weight_orig", new long[] {2, 3}, new float[] {1, 2, -1, 0.5f, -1.5f, 3}),
                new NamedTensor("bias", new long[] {2}, new float[] {0.1f, -0.2f}),
                new NamedTensor("weight_u", new long[] {2}, new float[] {0.6f, 0.8f}),
                new NamedTensor("weight_v", new long[] {3}, new float[] {1, 0, 0})));
        return net;
    }

    private static Map<String, Parameter> byName(Network net) {
        return net.namedParameters().stream().collect(Collectors.toMap(Parameter::name, Function.identity()));
    }

    @Test
    void oneForwardPassInTrainingIsOnePowerIterationAndTheWeightDividedBySigma() {
        // by hand, in double: v = W^T u / |W^T u|, u = W v / |W v|, sigma = u . W v = |W v|
        double[] u0 = {0.6, 0.8};
        double[] v = {W[0][0] * u0[0] + W[1][0] * u0[1], W[0][1] * u0[0] + W[1][1] * u0[1],
            W[0][2] * u0[0] + W[1][2] * u0[1]};
        double nv = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        for (int i = 0; i < 3; i++) {
            v[i] /= nv;
        }
        double[] wv = {W[0][0] * v[0] + W[0][1] * v[1] + W[0][2] * v[2], W[1][0] * v[0] + W[1][1] * v[1] + W[1][2] * v[2]};
        double sigma = Math.sqrt(wv[0] * wv[0] + wv[1] * wv[1]);
        double[] u = {wv[0] / sigma, wv[1] / sigma};
        double[] b = {0.1, -0.2};
        try (Network net = linear(); Scope s = Scope.open()) {
            Tensor x = Torch.tensor(X, 2, 3);
            Tensor y = net.forward(x, true); // (2, 2)
            float[] out = Torch.floats(y);
            for (int n = 0; n < 2; n++) {
                for (int i = 0; i < 2; i++) {
                    double dot = 0;
                    for (int j = 0; j < 3; j++) {
                        dot += X[n * 3 + j] * W[i][j];
                    }
                    assertThat(out[n * 2 + i]).isCloseTo((float) (dot / sigma + b[i]), within(1e-5f));
                }
            }
            Map<String, Parameter> p = byName(net);
            assertThat(Torch.floats(p.get("weight_u").tensor())).containsExactly(new float[] {(float) u[0], (float) u[1]},
                    within(1e-6f));
            assertThat(Torch.floats(p.get("weight_v").tensor())).containsExactly(
                    new float[] {(float) v[0], (float) v[1], (float) v[2]}, within(1e-6f));
            assertThat(p.get("weight_u").trainable()).isFalse();
            assertThat(p.get("weight_v").trainable()).isFalse();
            assertThat(p.get("weight_orig").trainable()).isTrue();

            // d sum(y) / d W_orig with u, v constant: (1/sigma) 1 x^T summed over rows - (S / sigma^2) u v^T,
            // S = sum over rows and outputs of x . W_i
            y.sum().backward();
            float[] grad = Torch.floats(p.get("weight_orig").tensor().grad());
            double total = 0;
            double[] xSum = new double[3];
            for (int n = 0; n < 2; n++) {
                for (int j = 0; j < 3; j++) {
                    xSum[j] += X[n * 3 + j];
                    total += X[n * 3 + j] * (W[0][j] + W[1][j]);
                }
            }
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    double g = xSum[j] / sigma - total / (sigma * sigma) * u[i] * v[j];
                    assertThat(grad[i * 3 + j]).as("dW[%d][%d]", i, j).isCloseTo((float) g, within(1e-5f));
                }
            }
            // PyTorch 1.13 (torch.nn.utils.spectral_norm on nn.Linear(3, 2), the same numbers): y and the gradient
            assertThat(out).containsExactly(PYTORCH_Y, within(1e-5f));
            assertThat(grad).containsExactly(PYTORCH_GRAD, within(1e-5f));
        }
    }

    /** torch 1.13: y of the first training pass, row-major (2, 2). */
    private static final float[] PYTORCH_Y = {-0.41875944f, 1.0104387f, 1.1375189f, -0.2f};
    /** torch 1.13: weight_orig.grad after y.sum().backward(), row-major (2, 3). */
    private static final float[] PYTORCH_GRAD = {0.38486242f, 0.34583962f, 0.58900046f, 0.05804646f, 0.34583962f,
        0.00073171f};

    @Test
    void atInferenceTheVectorsStayAndTrainingPassesConvergeToTheLargestSingularValue() {
        Conv2d conv = new Conv2d(3, 2, 1, 0, Init.normal(0, 1), null).spectralNorm();
        Block images = new Block() { // Network feeds (N, 18); the convolution sees (N, 2, 3, 3)
            {
                addChild(conv);
            }

            @Override
            protected Tensor forwardInternal(Tensor x, boolean training) {
                return conv.forward(x.reshape(-1, 2, 3, 3), training);
            }
        };
        try (Network net = new Network("d", images, 2 * 3 * 3); Scope s = Scope.open()) {
            Map<String, Parameter> p = byName(net);
            assertThat(p).containsOnlyKeys("01Conv2d_weight_orig", "01Conv2d_weight_u", "01Conv2d_weight_v");
            Tensor w = p.get("01Conv2d_weight_orig").tensor(); // (3, 2, 2, 2)
            Tensor vector = p.get("01Conv2d_weight_u").tensor(); // (3)
            assertThat(Torch.shape(p.get("01Conv2d_weight_v").tensor())).containsExactly(2 * 2 * 2);
            assertThat(Torch.floats(vector.norm())[0]).isCloseTo(1f, within(1e-6f)); // a unit vector from the start
            Tensor x = Torch.randn(4, 2 * 3 * 3);
            float[] u = Torch.floats(vector);
            net.forward(x, false);
            assertThat(Torch.floats(vector)).as("inference leaves u alone").containsExactly(u);
            for (int i = 0; i < 60; i++) {
                net.forward(x, true);
            }
            double sigma = largestSingularValue(Torch.floats(w), 3, 8);
            Tensor y = net.forward(x, false); // (4, 3, 2, 2) with W / sigma
            Tensor expected = org.bytedeco.pytorch.global.torch.conv2d(x.reshape(-1, 2, 3, 3),
                    w.div(new org.bytedeco.pytorch.Scalar(sigma)));
            assertThat(Torch.floats(y)).containsExactly(Torch.floats(expected), within(1e-4f));
        }
    }

    /** sigma_max of a (rows, cols) matrix by 2,000 power iterations in double. */
    private static double largestSingularValue(float[] m, int rows, int cols) {
        double[] v = new double[cols];
        java.util.Arrays.fill(v, 1);
        double s = 0;
        for (int it = 0; it < 2000; it++) {
            double[] mv = new double[rows];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    mv[i] += m[i * cols + j] * v[j];
                }
            }
            double[] mtmv = new double[cols];
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    mtmv[j] += m[i * cols + j] * mv[i];
                }
            }
            double n = 0;
            for (double d : mtmv) {
                n += d * d;
            }
            n = Math.sqrt(n);
            for (int j = 0; j < cols; j++) {
                v[j] = mtmv[j] / n;
            }
            s = Math.sqrt(n);
        }
        return s;
    }
}
