package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.TrainConfig;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.engine.HostTensors;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.loss.BceLoss;
import io.jgan.model.Family;
import io.jgan.model.Network;
import io.jgan.model.Parameter;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Speed must not change the maths. The optimised step (real and fake through D as one batch where
 * D has no batch statistics, D frozen during the G step, the fused host Adam) is run against the
 * tutorials' loop written plainly here: D's two loss terms, D not frozen but its gradients
 * discarded, and Adam written out in double precision as in the paper. Both G's and D's weights
 * must agree after four steps.
 * <ul>
 *   <li>The course's model (seed 001's BatchNorm generator; D without dropout): the plain loop
 *       passes real and fake through D separately, so the joint pass is checked too.
 *   <li>The default model (D with dropout): the plain loop also passes real and fake through D in
 *       one call, since dropout draws one mask per call; both then see the same masks and noise.
 * </ul>
 */
class OptimizedStepEquivalenceTest {

    private static final int N = 32;

    @ParameterizedTest
    @ValueSource(strings = {"mlp-bn", "mlp"})
    void optimisedAndPlainStepsGiveTheSameLossesAndWeights(String family) {
        GanConfig base = Family.of(family).preset(10);
        GanConfig config = base.withData(DataConfig.embedded(N * 4)).withTrain(t -> t.batchSize(N)).validate();
        boolean joint = family.equals("mlp");
        Samples samples = TrainingData.load(config.data(), config.model(), 0);
        try (Trainer fast = Trainer.gan(config, samples); Trainer plain = Trainer.gan(config, samples);
                Scope m = Scope.open()) {
            Tensor data = Torch.tensor(samples.values(), samples.count(), samples.dim());
            PlainAdam adamG = new PlainAdam(plain.generator().trainableParameters(), config.train().lrG(), config.train());
            PlainAdam adamD = new PlainAdam(plain.discriminator().trainableParameters(), config.train().lrD(), config.train());
            for (int step = 0; step < 4; step++) {
                Tensor real = data.narrow(0, (long) step * N, N);
                Torch.seed(100 + step);
                AdversarialStep.Result a = ((GanGame) fast.game()).adversarialStep().run(List.of(real), null);
                Torch.seed(100 + step);
                float[] b = plainStep(plain.generator(), plain.discriminator(), adamG, adamD, real,
                        config.model().latentDim(), joint, config.train().averageDTerms());
                assertThat(a.lossD()).as("lossD at step %d", step).isCloseTo(b[0], within(1e-5f));
                assertThat(a.lossG()).as("lossG at step %d", step).isCloseTo(b[1], within(1e-5f));
            }
            assertSameWeights(fast.generator(), plain.generator());
            assertSameWeights(fast.discriminator(), plain.discriminator());
        }
    }

    private static void assertSameWeights(Network fast, Network plain) {
        List<Parameter> pf = fast.trainableParameters();
        List<Parameter> pp = plain.trainableParameters();
        assertThat(pf).hasSameSizeAs(pp);
        for (int i = 0; i < pf.size(); i++) {
            float[] a = Torch.floats(pf.get(i).tensor());
            float[] b = Torch.floats(pp.get(i).tensor());
            float worst = 0f;
            for (int j = 0; j < a.length; j++) {
                worst = Math.max(worst, Math.abs(a[j] - b[j]));
            }
            assertThat(worst).as("largest weight difference in %s tensor %d", fast.name(), i).isLessThan(1e-6f);
        }
    }

    /**
     * The tutorials' loop: D's loss is its real term plus its fake term (halved in the course), then
     * G's non-saturating loss; D's gradients from the G step are discarded.
     */
    private static float[] plainStep(Network g, Network d, PlainAdam adamG, PlainAdam adamD,
            Tensor real, int latent, boolean joint, boolean average) {
        Tensor fake = g.forward(Torch.randn(N, latent), true).detach();
        Tensor realLogits;
        Tensor fakeLogits;
        if (joint) {
            Tensor logits = d.forward(torch.cat(new TensorVector(real, fake), 0), true);
            realLogits = logits.narrow(0, 0, N);
            fakeLogits = logits.narrow(0, N, N);
        } else {
            realLogits = d.forward(real, true);
            fakeLogits = d.forward(fake, true);
        }
        Tensor lossD = BceLoss.withLogits(realLogits, 1f).add(BceLoss.withLogits(fakeLogits, 0f));
        if (average) {
            lossD = lossD.div(new Scalar(2.0));
        }
        lossD.backward();
        adamD.step();
        adamG.zeroGrad(); // g_opt.zero_grad(): nothing reached G through the detached fake, as in the tutorial
        Tensor lossG = BceLoss.withLogits(d.forward(g.forward(Torch.randn(N, latent), true), true), 1f);
        lossG.backward();
        adamG.step();
        adamD.zeroGrad(); // d_opt.zero_grad(): what the G step left in D is discarded
        return new float[] {Torch.item(lossD), Torch.item(lossG)};
    }

    /** Adam as written in Kingma & Ba (2015), Algorithm 1, with PyTorch's placement of eps. */
    private static final class PlainAdam {
        private final List<Parameter> params;
        private final double lr;
        private final double beta1;
        private final double beta2;
        private final double eps;
        private final float[][] mean;
        private final float[][] var;
        private int t;

        PlainAdam(List<Parameter> params, double lr, TrainConfig train) {
            this.params = params;
            this.lr = lr;
            this.beta1 = train.beta1();
            this.beta2 = train.beta2();
            this.eps = train.eps();
            this.mean = new float[params.size()][];
            this.var = new float[params.size()][];
            for (int i = 0; i < params.size(); i++) {
                mean[i] = new float[(int) params.get(i).tensor().numel()];
                var[i] = new float[mean[i].length];
            }
        }

        void step() {
            t++;
            double c1 = 1 - Math.pow(beta1, t);
            double c2 = 1 - Math.pow(beta2, t);
            for (int i = 0; i < params.size(); i++) {
                Tensor w = params.get(i).tensor();
                float[] wv = Torch.floats(w);
                float[] gv = Torch.floats(w.grad());
                for (int j = 0; j < wv.length; j++) {
                    mean[i][j] = (float) (beta1 * mean[i][j] + (1 - beta1) * gv[j]);
                    var[i][j] = (float) (beta2 * var[i][j] + (1 - beta2) * gv[j] * gv[j]);
                    double denom = Math.sqrt(var[i][j]) / Math.sqrt(c2) + eps;
                    wv[j] -= (float) (lr / c1 * mean[i][j] / denom);
                }
                HostTensors.copyInto(w, wv);
            }
            zeroGrad();
        }

        void zeroGrad() {
            for (Parameter p : params) {
                Tensor grad = p.tensor().grad();
                if (grad.defined()) {
                    grad.zero_();
                }
            }
        }
    }
}
