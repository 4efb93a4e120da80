package io.jgan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import io.jgan.format.NamedTensor;
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
            float[] r = new float[cout * 2 * h * 2 * w]; // the upstream gradient d loss / d out
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) rng.nextGaussian();
            }
            NDArray x = m.create(in, new Shape(1, cin * h * w));
            x.setRequiresGradient(true);
            float[] got;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = net.forward(x, true);
                assertThat(out.getShape()).isEqualTo(new Shape(1, cout, 2 * h, 2 * w));
                got = out.toFloatArray();
                gc.backward(out.mul(m.create(r, out.getShape())).sum()); // loss = sum(out * r)
            }
            float[] gotGradIn = x.getGradient().toFloatArray();
            float[] gotGradW = net.trainableParameters().get(0).getArray().getGradient().toFloatArray();
            double[] gradIn = new double[in.length];
            double[] gradW = new double[wt.length];
            for (int o = 0; o < cout; o++) {
                for (int y = 0; y < 2 * h; y++) {
                    for (int xx = 0; xx < 2 * w; xx++) {
                        double expected = 0;
                        double dOut = r[(o * 2 * h + y) * 2 * w + xx];
                        for (int i = 0; i < cin; i++) {
                            for (int hh = 0; hh < h; hh++) {
                                for (int ww = 0; ww < w; ww++) {
                                    int a = y + 1 - 2 * hh;
                                    int b = xx + 1 - 2 * ww;
                                    if (a >= 0 && a < 4 && b >= 0 && b < 4) {
                                        int k = ((o * cin + i) * 4 + (3 - a)) * 4 + (3 - b);
                                        int j = (i * h + hh) * w + ww;
                                        expected += in[j] * wt[k];
                                        gradIn[j] += dOut * wt[k]; // d out / d in = the tap
                                        gradW[k] += dOut * in[j]; // d out / d W = the input it met
                                    }
                                }
                            }
                        }
                        assertThat((double) got[(o * 2 * h + y) * 2 * w + xx]).as("out[%d][%d][%d]", o, y, xx)
                                .isCloseTo(expected, within(1e-5));
                    }
                }
            }
            for (int j = 0; j < in.length; j++) {
                assertThat((double) gotGradIn[j]).as("d/d in[%d]", j).isCloseTo(gradIn[j], within(1e-4));
            }
            for (int k = 0; k < wt.length; k++) {
                assertThat((double) gotGradW[k]).as("d/d W[%d]", k).isCloseTo(gradW[k], within(1e-4));
            }
        }
    }

    /**
     * The up-sampling slices G's long-lived weight every step: its temporaries must go to the
     * step's manager, not the weight's (which would keep every step's slices until the run ends).
     */
    @Test
    void trainingHoldsNoArraysPerStep() {
        io.jgan.config.GanConfig config = io.jgan.model.Family.DCGAN.preset(10)
                .withData(io.jgan.config.DataConfig.embedded(64)).withTrain(t -> t.batchSize(16))
                .withSchedule(s -> s.maxSteps(8)).validate();
        int[] live = new int[9];
        try (io.jgan.train.Trainer trainer = io.jgan.train.Trainer.gan(config,
                io.jgan.data.TrainingData.load(config.data(), config.model(), 0))) {
            trainer.addListener(new io.jgan.train.TrainingListener() {
                @Override
                public void onStep(io.jgan.train.RunView t, io.jgan.train.StepRecord r) {
                    live[(int) r.step()] = trainer.liveArrays();
                }
            });
            trainer.fit();
        }
        assertThat(live[2]).isPositive();
        assertThat(live[8]).as("arrays held at step 8 against %d at step 2", live[2]).isEqualTo(live[2]);
    }

    /** A checkpoint of the zero-insertion layer (tensor 05SequentialBlock_02Conv2d_weight) loads into it. */
    @Test
    void oldCheckpointNamesMapToTheNewLayer() {
        assertThat(Upsample2x.formerName("05Upsample2x_weight")).isEqualTo("05SequentialBlock_02Conv2d_weight");
        assertThat(Upsample2x.formerName("01SequentialBlock_01Linear_weight")).isEqualTo("01SequentialBlock_01Linear_weight");
        assertThat(Upsample2x.formerName("01SequentialBlock_02Conv2d_weight")).isEqualTo("01SequentialBlock_02Conv2d_weight");
        // a generator whose up-sampling weights come under the former names loads them
        try (NDManager m = NDManager.newBaseManager()) {
            loadsUnderFormerNames(new Network("g", Dcgan.generator(100, 1, 28), m, 100));
        }
    }

    /**
     * Saves every tensor of a network under its former name, filled with one value, loads that
     * back and checks every tensor arrived (and that at least one name was a former one).
     *
     * @param net the network
     */
    private static void loadsUnderFormerNames(Network net) {
        java.util.List<NamedTensor> saved = new java.util.ArrayList<>();
        int renamed = 0;
        for (NamedTensor t : net.toTensors()) {
            float[] data = t.data().clone();
            java.util.Arrays.fill(data, 0.5f);
            String former = Dcgan.formerName(t.name());
            renamed += former.equals(t.name()) ? 0 : 1;
            saved.add(new NamedTensor(former, t.shape(), data));
        }
        assertThat(renamed).as("tensors saved under a former name").isPositive();
        net.copyFrom(saved);
        assertThat(net.toTensors()).allMatch(t -> t.data()[0] == 0.5f);
    }

    /**
     * The discriminator's last layer is the convolution whose kernel covers the whole map, sum
     * over (c, i, j) of x[c][i][j] w[c][i][j], written out: forward and both gradients.
     */
    @Test
    void wholeMapLayerIsTheConvolutionWrittenOut() {
        int n = 3;
        int c = 4;
        int s = 7;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            Network layer = new Network("head", new ai.djl.nn.SequentialBlock()
                    .add(new ai.djl.nn.LambdaBlock(x -> new ai.djl.ndarray.NDList(
                            x.singletonOrThrow().reshape(-1, c, s, s))))
                    .add(new WholeMapConv()), m, c * s * s);
            float[] w = layer.toTensors().get(0).data(); // (1, C, S, S)
            assertThat(layer.toTensors().get(0).shape()).containsExactly(1, c, s, s);
            Random rng = new Random(2);
            float[] in = new float[n * c * s * s];
            for (int i = 0; i < in.length; i++) {
                in[i] = (float) rng.nextGaussian();
            }
            float[] upstream = {0.5f, -1.25f, 2f}; // dL/dlogit per sample
            NDArray x = m.create(in, new Shape(n, (long) c * s * s));
            x.setRequiresGradient(true);
            float[] out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = layer.forward(x, true); // (N, 1, 1, 1)
                assertThat(logits.getShape()).isEqualTo(new Shape(n, 1, 1, 1));
                out = logits.toFloatArray();
                gc.backward(logits.reshape(n).mul(m.create(upstream)).sum());
            }
            float[] dx = x.getGradient().toFloatArray();
            float[] dw = layer.namedParameters().get(0).getValue().getArray().getGradient().toFloatArray();
            int k = c * s * s;
            for (int b = 0; b < n; b++) {
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    sum += in[b * k + j] * w[j];
                    // dL/dx[b][j] = upstream[b] * w[j]
                    assertThat(dx[b * k + j]).isCloseTo(upstream[b] * w[j], within(1e-6f));
                }
                assertThat(out[b]).isCloseTo((float) sum, within(1e-5f));
            }
            for (int j = 0; j < k; j++) { // dL/dw[j] = sum_b upstream[b] * x[b][j]
                double g = 0;
                for (int b = 0; b < n; b++) {
                    g += upstream[b] * in[b * k + j];
                }
                assertThat(dw[j]).isCloseTo((float) g, within(1e-5f));
            }
        }
    }

    /** A discriminator saved when its last layer was a Conv2d block (tensor NNConv2d_weight) loads. */
    @Test
    void oldDiscriminatorNamesMapToTheWholeMapLayer() {
        assertThat(Dcgan.formerName("08WholeMapConv_weight")).isEqualTo("08Conv2d_weight");
        assertThat(Dcgan.formerName("05Upsample2x_weight")).isEqualTo("05SequentialBlock_02Conv2d_weight");
        assertThat(Dcgan.formerName("01Conv2d_weight")).isEqualTo("01Conv2d_weight");
        try (NDManager m = NDManager.newBaseManager()) {
            loadsUnderFormerNames(new Network("d", Dcgan.discriminator(1, 28, 0), m, 784));
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
