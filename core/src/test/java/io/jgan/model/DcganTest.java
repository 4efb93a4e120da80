package io.jgan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.NamedTensor;
import java.util.Random;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DcganTest {

    /**
     * The up-convolution equals PyTorch's ConvTranspose2d(kernel 4, stride 2, padding 1), written
     * out: out[o][y][x] = sum_{i,h,w} in[i][h][w] T[i][o][y + 1 - 2h][x + 1 - 2w], with the
     * transposed kernel T[i][o][a][b] = W[o][i][3 - a][3 - b] of the learned weight W.
     */
    @ParameterizedTest(name = "{0} output maps")
    @ValueSource(ints = {3, 1}) // libtorch's conv_transpose2d, and the phases
    void upConvolutionIsATransposedConvolution(int cout) {
        int cin = 2;
        int h = 3;
        int w = 4;
        Random rng = new Random(1);
        float[] in = new float[cin * h * w];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) rng.nextGaussian();
        }
        try (Scope m = Scope.open()) {
            Torch.seed(3);
            Block up = Dcgan.upconv(cout);
            Network net = new Network("up", new Sequential().add(Lambda.reshape(cin, h, w)).add(up), cin * h * w);
            NamedTensor weight = net.toTensors().get(0);
            assertThat(weight.shape()).containsExactly(cout, cin, 4, 4);
            float[] wt = weight.data();
            float[] r = new float[cout * 2 * h * 2 * w]; // the upstream gradient d loss / d out
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) rng.nextGaussian();
            }
            Tensor x = Torch.tensor(in, 1, cin * h * w).set_requires_grad(true);
            Tensor out = net.forward(x, true);
            assertThat(Torch.shape(out)).containsExactly(1, cout, 2 * h, 2 * w);
            float[] got = Torch.floats(out);
            out.mul(Torch.tensor(r, Torch.shape(out))).sum().backward(); // loss = sum(out * r)
            float[] gotGradIn = Torch.floats(x.grad());
            float[] gotGradW = Torch.floats(net.trainableParameters().get(0).tensor().grad());
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
     * The up-sampling slices G's long-lived weight every step: its temporaries must go with the
     * step's scope, or every step's slices stay until the run ends.
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
        try (Network g = new Network("g", Dcgan.generator(100, 1, 28, 0, Dcgan.DEFAULT_WIDTH), 100)) {
            loadsUnderFormerNames(g);
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
        try (Scope m = Scope.open()) {
            Torch.seed(5);
            Network layer = new Network("head", new Sequential().add(Lambda.reshape(c, s, s)).add(new WholeMapConv()),
                    c * s * s);
            float[] w = layer.toTensors().get(0).data(); // (1, C, S, S)
            assertThat(layer.toTensors().get(0).shape()).containsExactly(1, c, s, s);
            Random rng = new Random(2);
            float[] in = new float[n * c * s * s];
            for (int i = 0; i < in.length; i++) {
                in[i] = (float) rng.nextGaussian();
            }
            float[] upstream = {0.5f, -1.25f, 2f}; // dL/dlogit per sample
            Tensor x = Torch.tensor(in, n, (long) c * s * s).set_requires_grad(true);
            Tensor logits = layer.forward(x, true); // (N, 1, 1, 1)
            assertThat(Torch.shape(logits)).containsExactly(n, 1, 1, 1);
            float[] out = Torch.floats(logits);
            logits.reshape(n).mul(Torch.tensor(upstream, upstream.length)).sum().backward();
            float[] dx = Torch.floats(x.grad());
            float[] dw = Torch.floats(layer.namedParameters().get(0).tensor().grad());
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
        try (Network d = new Network("d", Dcgan.discriminator(1, 28, 0, Dcgan.DEFAULT_WIDTH), 784)) {
            loadsUnderFormerNames(d);
        }
    }

    /**
     * --feature-maps w sets G's last hidden and D's first width, doubling inwards; parameter
     * counts by hand for 28x28 (no biases but the batch norms' shifts): G = projection 100 x 2w x 7 x 7
     * + batch norm 2 x 2w + up-sampling 2w x w x 4 x 4 + batch norm 2 x w + up-sampling w x 1 x 4 x 4;
     * D = conv 1 x w x 4 x 4 + conv w x 2w x 4 x 4 + batch norm 2 x 2w + whole-map conv 2w x 7 x 7.
     */
    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {16, 32, 48})
    void widthSetsTheFeatureMaps(int w) {
        long g = 100L * 2 * w * 49 + 2 * 2 * w + 2L * w * w * 16 + 2 * w + w * 16L;
        long d = w * 16L + w * 2L * w * 16 + 2 * 2 * w + 2 * w * 49L;
        ModelConfig m = new ModelConfig("dcgan", 100, 1, 28, 28, PixelRange.SYMMETRIC, 0, w == 32 ? 0 : w);
        assertThat(Dcgan.width(m)).isEqualTo(w);
        try (Network gen = Family.DCGAN.newGenerator("generator", m);
                Network dis = Family.DCGAN.newDiscriminator("discriminator", m, true, false)) {
            assertThat(gen.parameterCount()).isEqualTo(g);
            assertThat(dis.parameterCount()).isEqualTo(d);
        }
        // the MAC counts of the kernel report follow the width: G's first up-sampling is 2w x 4w x 2 x 2 x 8 x 8
        assertThat(Family.DCGAN.generatorMacs(m, null)[1]).isEqualTo(2L * w * 4 * w * 2 * 2 * 8 * 8);
        assertThat(Family.DCGAN.discriminatorMacs(m, null)[1]).isEqualTo(w * 2L * w * 16 * 7 * 7);
        // --d-feature-maps gives D its own width: G as before, D at 8
        ModelConfig narrowD = new ModelConfig("dcgan", 100, 1, 28, 28, PixelRange.SYMMETRIC, 0, w, false, 8);
        try (Network gen = Family.DCGAN.newGenerator("generator", narrowD);
                Network dis = Family.DCGAN.newDiscriminator("discriminator", narrowD, true, false)) {
            assertThat(gen.parameterCount()).isEqualTo(g);
            assertThat(dis.parameterCount()).isEqualTo(8 * 16L + 8 * 2L * 8 * 16 + 2 * 2 * 8 + 2 * 8 * 49L);
        }
    }

    /** A narrow DCGAN trains, records its width, samples and resumes through the command line. */
    @Test
    void featureMapsTrainSampleAndResumeThroughTheCli(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path run = tmp.resolve("narrow");
        io.jgan.cli.CliSmokeTest.Run r = io.jgan.cli.CliSmokeTest.jgan("train", "--model", "dcgan", "--feature-maps",
                "8", "--limit", "64", "--batch-size", "16", "--max-steps", "2", "--no-progress", "--no-tensorboard",
                "--out", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(io.jgan.format.Json.MAPPER.readTree(run.resolve("config.json").toFile()).get("model")
                .get("featureMaps").asInt()).isEqualTo(8);
        r = io.jgan.cli.CliSmokeTest.jgan("sample", "--checkpoint", run.toString(), "--n", "4", "--out",
                tmp.resolve("s.png").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        r = io.jgan.cli.CliSmokeTest.jgan("train", "--resume", run.toString(), "--max-steps", "3", "--no-progress",
                "--no-tensorboard");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void networksHaveTheShapesOfEverySupportedSide() {
        for (int[] cs : new int[][] {{1, 28}, {3, 32}, {3, 64}}) {
            int c = cs[0];
            int side = cs[1];
            try (Scope m = Scope.open(); Network g = new Network("generator", Dcgan.generator(16, c, side, 0, Dcgan.DEFAULT_WIDTH), 16);
                    Network d = new Network("discriminator", Dcgan.discriminator(c, side, 0, Dcgan.DEFAULT_WIDTH), c * side * side)) {
                Tensor x = g.forward(Torch.randn(5, 16), true);
                assertThat(Torch.shape(x)).containsExactly(5, (long) c * side * side);
                assertThat(Torch.item(x.max())).isLessThanOrEqualTo(1f); // tanh
                assertThat(Torch.shape(d.forward(x, true))).containsExactly(5, 1);
            }
        }
    }

    /**
     * The transposed-convolution input gradient equals libtorch's own, over two passes through the
     * layer in one backward (as D's real and fake passes), on an even and an odd input side, and
     * the weight gradient is untouched; inside {@code exactGradients} the layer is libtorch's again.
     */
    @ParameterizedTest(name = "side {0}")
    @ValueSource(ints = {8, 7})
    void transposedInputGradientEqualsAutograds(int side) {
        try (Scope m = Scope.open()) {
            Torch.seed(11);
            Conv2d fast = new Conv2d(5, 4, 2, 1, Init.normal(0, 0.5), null).transposedInputGradient();
            Conv2d plain = new Conv2d(5, 4, 2, 1, Init.normal(0, 0.5), null);
            Network a = new Network("a", new Sequential().add(Lambda.reshape(3, side, side)).add(fast), 3 * side * side);
            Network b = new Network("b", new Sequential().add(Lambda.reshape(3, side, side)).add(plain), 3 * side * side);
            b.copyFrom(a.toTensors());
            float[][] grads = new float[2][];
            float[][] weightGrads = new float[2][];
            float[][] secondInput = new float[2][];
            Tensor x1 = Torch.randn(2, 3L * side * side);
            Tensor x2 = Torch.randn(2, 3L * side * side);
            int k = 0;
            for (Network net : new Network[] {a, b}) {
                Tensor in1 = x1.detach().clone().set_requires_grad(true);
                Tensor in2 = x2.detach().clone().set_requires_grad(true);
                Tensor y1 = net.forward(in1, true);
                Tensor y2 = net.forward(in2, true);
                Torch.seed(12); // the same upstream gradients for both layers
                y1.mul(Torch.randn(Torch.shape(y1))).sum().add(y2.mul(Torch.randn(Torch.shape(y2))).sum()).backward();
                grads[k] = Torch.floats(in1.grad());
                secondInput[k] = Torch.floats(in2.grad());
                weightGrads[k] = Torch.floats(net.trainableParameters().get(0).tensor().grad());
                k++;
            }
            assertThat(grads[0]).containsExactly(grads[1], within(1e-4f));
            assertThat(secondInput[0]).containsExactly(secondInput[1], within(1e-4f));
            assertThat(weightGrads[0]).containsExactly(weightGrads[1], within(1e-4f));
            assertThat(grads[0]).isNotEqualTo(secondInput[0]); // each pass got its own dy
            // a gradient of a gradient goes through libtorch's backward inside exactGradients
            try (Conv2d.Exact exact = Conv2d.exactGradients()) {
                Tensor in = x1.detach().clone().set_requires_grad(true);
                Tensor out = a.forward(in, true);
                Tensor g = torch.grad(new TensorVector(out.square().sum()), new TensorVector(in), new TensorVector(),
                        new BoolOptional(true), true, false).get(0);
                assertThat(g.requires_grad()).isTrue();
            }
        }
    }

    /**
     * A conditional D's first layer with constant label maps equals the plain convolution over
     * image and maps: the output, the gradient reaching the flat input (image pixels and class
     * code), and the weight and bias gradients, with and without a bias, on an even and an odd
     * side (zero padding makes a constant map's border outputs differ from its inner ones).
     */
    @ParameterizedTest(name = "side {0}")
    @ValueSource(ints = {28, 7})
    void constantLabelMapsGiveThePlainConvolution(int side) {
        int c = 2;
        int k = 3;
        for (boolean withBias : new boolean[] {false, true}) {
            try (Scope m = Scope.open()) {
                Torch.seed(21);
                Init bias = withBias ? Init.normal(0, 0.5) : null;
                Conv2d fast = new Conv2d(5, 4, 2, 1, Init.normal(0, 0.5), bias).constantTrailingMaps(k);
                Conv2d plain = new Conv2d(5, 4, 2, 1, Init.normal(0, 0.5), bias);
                long inDim = (long) c * side * side + k;
                Network a = new Network("a", new Sequential().add(Dcgan.withLabelMaps(c, side, k)).add(fast), (int) inDim);
                Network b = new Network("b", new Sequential().add(Dcgan.withLabelMaps(c, side, k)).add(plain), (int) inDim);
                b.copyFrom(a.toTensors());
                Tensor image = Torch.randn(4, (long) c * side * side);
                Tensor code = torch.one_hot(Torch.indices(new long[] {0, 2, 1, 2}), k).to(torch.ScalarType.Float);
                Tensor x = torch.cat(new TensorVector(image, code), 1); // (4, C*S*S + K)
                Tensor upstream = null;
                float[][] out = new float[2][];
                float[][] gradIn = new float[2][];
                float[][][] gradParams = new float[2][][];
                int n = 0;
                for (Network net : new Network[] {a, b}) {
                    Tensor in = x.detach().clone().set_requires_grad(true);
                    Tensor y = net.forward(in, true); // (4, 5, S', S')
                    if (upstream == null) {
                        upstream = Torch.randn(Torch.shape(y));
                    }
                    y.mul(upstream).sum().backward();
                    out[n] = Torch.floats(y);
                    gradIn[n] = Torch.floats(in.grad());
                    gradParams[n] = net.trainableParameters().stream()
                            .map(p -> Torch.floats(p.tensor().grad())).toArray(float[][]::new);
                    n++;
                }
                assertThat(out[0]).containsExactly(out[1], within(1e-4f));
                assertThat(gradIn[0]).containsExactly(gradIn[1], within(1e-4f));
                assertThat(gradParams[0].length).isEqualTo(withBias ? 2 : 1);
                for (int i = 0; i < gradParams[0].length; i++) {
                    assertThat(gradParams[0][i]).containsExactly(gradParams[1][i], within(1e-3f));
                }
                assertThat(a.toTensors().get(0).shape()).containsExactly(5, c + k, 4, 4); // the plain layer's weight
            }
        }
    }
}
