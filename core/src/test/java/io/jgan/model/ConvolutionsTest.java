package io.jgan.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The convolutions every model runs ({@link Convolutions}) against float64, which libtorch
 * computes without oneDNN: output, input gradient and weight gradient, with channel counts off a
 * multiple of 16, in float32 and bfloat16 (rounded inputs, bf16's tolerance). On an AMD Zen 5
 * libtorch 2.10's oneDNN gave relative errors of 0.3-1.1 or NaN here without the whole-block
 * padding; the padded path and the product of patches are also checked directly, so that they
 * are tested on every machine.
 */
class ConvolutionsTest {

    @ParameterizedTest(name = "{0}: {1} -> {2} maps, kernel {3}, stride {4}")
    @CsvSource({
        "conv, 5, 4, 2, 1", // G's last layer's shape (phases)
        "conv, 1, 32, 4, 2", // D's first layer
        "conv, 3, 16, 3, 1",
        "conv, 20, 24, 3, 1",
        "conv, 64, 3, 3, 1", // a ResNet G's last layer
        "transposed, 5, 4, 2, 1",
        "transposed, 20, 24, 3, 1",
        "transposed, 32, 3, 4, 2", // a colour DCGAN's last up-sampling
    })
    void convolutionsMatchFloat64(String kind, int cin, int cout, int kernel, int stride) {
        boolean transposed = kind.equals("transposed");
        try (Scope s = Scope.open()) {
            Torch.seed(31);
            for (ScalarType type : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
                // inputs rounded to the type first, so that float64 sees exactly what the type sees
                Tensor x = Torch.randn(4, cin, 9, 9).to(type).to(ScalarType.Double);
                Tensor w = (transposed ? Torch.randn(cin, cout, kernel, kernel) : Torch.randn(cout, cin, kernel, kernel))
                        .to(type).to(ScalarType.Double);
                Tensor b = transposed ? null : Torch.randn(cout).to(type).to(ScalarType.Double);
                Tensor[] exact = run(x, w, b, stride, transposed, ScalarType.Double, 0);
                double tolerance = type == ScalarType.Float ? 1e-4 : 3e-2;
                String[] what = {"output", "input gradient", "weight gradient"};
                String[] paths = {"", "as the models run it", "in whole blocks", "as a product of patches"};
                for (int path = 1; path <= (transposed ? 2 : 3); path++) { // the models' entry, then each path itself
                    Tensor[] got = run(x, w, b, stride, transposed, type, path);
                    for (int i = 0; i < 3; i++) {
                        double scale = Torch.item(exact[i].abs().max().to(ScalarType.Float));
                        double error = Torch.item(got[i].to(ScalarType.Double).sub(exact[i]).abs().max().to(ScalarType.Float));
                        assertThat(error / scale).as("%s, %s, %s", type, paths[path], what[i]).isLessThan(tolerance);
                    }
                }
            }
        }
    }

    /**
     * {y, dx, dw} of sum(y * r), r a fixed ramp; path 0 libtorch's own (for float64), 1
     * Convolutions', 2 whole blocks, 3 the product of patches.
     */
    private static Tensor[] run(Tensor x64, Tensor w64, Tensor b64, int stride, boolean transposed, ScalarType type, int path) {
        Tensor x = x64.to(type).detach().set_requires_grad(true);
        Tensor w = w64.to(type).detach().set_requires_grad(true);
        Tensor b = b64 == null ? null : b64.to(type);
        int padding = 1;
        Tensor y;
        if (path == 0) {
            TensorOptional bias = b == null ? new TensorOptional() : new TensorOptional(b);
            y = transposed ? torch.conv_transpose2d(x, w, bias, new long[] {stride, stride}, new long[] {padding, padding},
                    new long[] {0, 0}, 1, 1, 1)
                    : torch.conv2d(x, w, bias, new long[] {stride, stride}, new long[] {padding, padding}, new long[] {1, 1}, 1);
        } else if (path == 1) {
            y = transposed ? Convolutions.convTranspose2d(x, w, stride, padding) : Convolutions.conv2d(x, w, b, stride, padding);
        } else if (path == 2) {
            y = Convolutions.inWholeBlocks(x, w, b, stride, padding, transposed, new long[] {0, 0});
        } else {
            y = Convolutions.unfolded(x, w, b, stride, padding);
        }
        Tensor r = torch.arange(new org.bytedeco.pytorch.Scalar(y.numel())).remainder(new org.bytedeco.pytorch.Scalar(7))
                .sub(new org.bytedeco.pytorch.Scalar(3)).reshape(y.sizes().vec().get()).to(type);
        y.mul(r).sum().backward();
        return new Tensor[] {y.detach(), x.grad(), w.grad()};
    }

    /**
     * A first layer on images without their gradient (D's own step): the input channels stay
     * unpadded where that was right (not for a 1x1 kernel: one map to 64 through a 1x1 kernel,
     * SNGAN's first shortcut, came out of this Zen 5's oneDNN with a relative error of 1.0 in
     * bfloat16), and the output and the weight gradient match float64, the images laid out as
     * libtorch's default (NCHW) and as the models lay them out (channels last).
     */
    @ParameterizedTest(name = "{0} -> {1} maps, kernel {2}, stride {3}, padding {4}")
    @CsvSource({"1, 32, 4, 2, 1", "3, 16, 3, 1, 1", "3, 48, 4, 2, 1", "1, 16, 3, 1, 1", "5, 32, 4, 2, 1", "1, 4, 2, 1, 1",
        "1, 64, 1, 1, 0", "3, 64, 1, 1, 0"})
    void firstLayersWithoutInputGradientMatchFloat64(int cin, int cout, int kernel, int stride, int padding) {
        try (Scope s = Scope.open()) {
            Torch.seed(32);
            for (boolean nhwc : new boolean[] {false, true})
            for (ScalarType type : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
                Tensor x64 = Torch.randn(4, cin, 9, 9).to(type).to(ScalarType.Double);
                Tensor w64 = Torch.randn(cout, cin, kernel, kernel).to(type).to(ScalarType.Double);
                Tensor[] got = new Tensor[2];
                Tensor[] exact = new Tensor[2];
                for (int k = 0; k < 2; k++) {
                    ScalarType t = k == 0 ? ScalarType.Double : type;
                    Tensor x = nhwc ? Lambda.channelsLast(x64.to(t)) : x64.to(t); // no gradient wanted
                    Tensor w = w64.to(t).detach().set_requires_grad(true);
                    Tensor y = k == 0 ? torch.conv2d(x, w, new TensorOptional(), new long[] {stride, stride},
                            new long[] {padding, padding}, new long[] {1, 1}, 1) : Convolutions.conv2d(x, w, null, stride, padding);
                    Tensor r = torch.arange(new org.bytedeco.pytorch.Scalar(y.numel())).remainder(new org.bytedeco.pytorch.Scalar(5))
                            .sub(new org.bytedeco.pytorch.Scalar(2)).reshape(y.sizes().vec().get()).to(t);
                    y.mul(r).sum().backward();
                    Tensor[] out = k == 0 ? exact : got;
                    out[0] = y.detach().to(ScalarType.Double);
                    out[1] = w.grad().to(ScalarType.Double);
                }
                double tolerance = type == ScalarType.Float ? 1e-4 : 3e-2;
                for (int i = 0; i < 2; i++) {
                    double scale = Torch.item(exact[i].abs().max().to(ScalarType.Float));
                    double error = Torch.item(got[i].sub(exact[i]).abs().max().to(ScalarType.Float));
                    assertThat(error / scale).as("%s, %s, %s", type, nhwc ? "NHWC" : "NCHW", i == 0 ? "output" : "weight gradient")
                            .isLessThan(tolerance);
                }
            }
        }
    }
}
