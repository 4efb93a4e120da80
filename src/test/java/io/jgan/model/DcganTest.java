package io.jgan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.jgan.io.NamedTensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DcganTest {

    /**
     * The up-convolution equals PyTorch's ConvTranspose2d(kernel 4, stride 2, padding 1), written
     * out: out[o][y][x] = sum_{i,h,w} in[i][h][w] T[i][o][y + 1 - 2h][x + 1 - 2w], with the
     * transposed kernel T[i][o][a][b] = W[o][i][3 - a][3 - b] of the learned weight W.
     */
    @Test
    void upConvolutionIsATransposedConvolution() {
        int cin = 2;
        int cout = 3;
        int h = 3;
        int w = 4;
        Random rng = new Random(1);
        float[] in = new float[cin * h * w];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) rng.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Block up = Dcgan.upconv(cout);
            Network net = new Network("up", new ai.djl.nn.SequentialBlock()
                    .add(new ai.djl.nn.LambdaBlock(x -> new ai.djl.ndarray.NDList(
                            x.singletonOrThrow().reshape(-1, cin, h, w))))
                    .add(up), m, cin * h * w);
            NamedTensor weight = net.toTensors().get(0);
            assertThat(weight.shape()).containsExactly(cout, cin, 4, 4);
            float[] wt = weight.data();
            NDArray out = net.forward(m.create(in, new Shape(1, cin * h * w)), false);
            assertThat(out.getShape()).isEqualTo(new Shape(1, cout, 2 * h, 2 * w));
            float[] got = out.toFloatArray();
            for (int o = 0; o < cout; o++) {
                for (int y = 0; y < 2 * h; y++) {
                    for (int x = 0; x < 2 * w; x++) {
                        double expected = 0;
                        for (int i = 0; i < cin; i++) {
                            for (int hh = 0; hh < h; hh++) {
                                for (int ww = 0; ww < w; ww++) {
                                    int a = y + 1 - 2 * hh;
                                    int b = x + 1 - 2 * ww;
                                    if (a >= 0 && a < 4 && b >= 0 && b < 4) {
                                        float t = wt[((o * cin + i) * 4 + (3 - a)) * 4 + (3 - b)];
                                        expected += in[(i * h + hh) * w + ww] * t;
                                    }
                                }
                            }
                        }
                        assertThat((double) got[(o * 2 * h + y) * 2 * w + x]).as("out[%d][%d][%d]", o, y, x)
                                .isCloseTo(expected, within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void networksHaveTheShapesOfEverySupportedSide() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] cs : new int[][] {{1, 28}, {3, 32}, {3, 64}}) {
                int c = cs[0];
                int side = cs[1];
                Network g = new Network("generator", Dcgan.generator(16, c, side), m, 16);
                Network d = new Network("discriminator", Dcgan.discriminator(c, side, 0), m, c * side * side);
                NDArray x = g.forward(m.randomNormal(new Shape(5, 16)), true);
                assertThat(x.getShape()).isEqualTo(new Shape(5, (long) c * side * side));
                assertThat(x.max().getFloat()).isLessThanOrEqualTo(1f); // tanh
                assertThat(d.forward(x, true).getShape()).isEqualTo(new Shape(5, 1));
            }
        }
    }
}
