package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.Presets;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.loss.BinaryCrossEntropy;
import io.jgan.model.Network;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Speed must not change the maths. The optimised step (real and fake through D as one batch, D
 * frozen during the G step, in-place Adam) is run against the tutorial's loop written plainly
 * here: two D passes with the two loss terms, D not frozen but its gradients discarded, and Adam
 * written out of place as in the paper. Seed 001's model is used because its D has no dropout,
 * so both see exactly the same random numbers (noise for the D step, then for the G step).
 */
class OptimizedStepEquivalenceTest {

    private static final int N = 32;

    @Test
    void optimisedAndPlainStepsGiveTheSameLosses() {
        GanConfig base = Presets.course(10);
        GanConfig config = new GanConfig(DataConfig.embedded(N * 4), base.model(), base.train().withBatch(N, 0))
                .validate();
        Samples samples = TrainingData.load(config.data(), config.model(), 0);
        try (GanTrainer fast = new GanTrainer(config, samples); GanTrainer plain = new GanTrainer(config, samples);
                NDManager m = fast.generator().manager().newSubManager()) {
            NDArray data = m.create(samples.values(), new Shape(samples.count(), samples.dim()));
            PlainAdam adamG = new PlainAdam(plain.generator().trainableParameters(), config.train().lrG());
            PlainAdam adamD = new PlainAdam(plain.discriminator().trainableParameters(), config.train().lrD());
            for (int step = 0; step < 4; step++) {
                NDArray real = data.get(new NDIndex("{}:{}", step * N, (step + 1) * N));
                Engine.getInstance().setRandomSeed(100 + step);
                AdversarialStep.Result a = fast.adversarialStep().run(m, List.of(real), null);
                Engine.getInstance().setRandomSeed(100 + step);
                float[] b = plainStep(m, plain.generator(), plain.discriminator(), adamG, adamD, real,
                        config.model().latentDim());
                assertThat(a.lossD()).as("lossD at step %d", step).isCloseTo(b[0], within(1e-5f));
                assertThat(a.lossG()).as("lossG at step %d", step).isCloseTo(b[1], within(1e-5f));
            }
            // and the weights agree after four steps
            List<Parameter> pf = fast.generator().trainableParameters();
            List<Parameter> pp = plain.generator().trainableParameters();
            for (int i = 0; i < pf.size(); i++) {
                float[] a = pf.get(i).getArray().toFloatArray();
                float[] b = pp.get(i).getArray().toFloatArray();
                float worst = 0f;
                for (int j = 0; j < a.length; j++) {
                    worst = Math.max(worst, Math.abs(a[j] - b[j]));
                }
                assertThat(worst).as("largest weight difference in G tensor %d", i).isLessThan(1e-6f);
            }
        }
    }

    /** The course's loop (seed 001): D loss = mean of its two BCE terms, then G's non-saturating loss. */
    private static float[] plainStep(NDManager m, Network g, Network d, PlainAdam adamG, PlainAdam adamD,
            NDArray real, int latent) {
        NDArray fake = g.forward(m.randomNormal(new Shape(N, latent)), true); // no graph: detached
        NDArray lossD;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray lossReal = BinaryCrossEntropy.withLogits(d.forward(real, true), 1f);
            NDArray lossFake = BinaryCrossEntropy.withLogits(d.forward(fake, true), 0f);
            lossD = lossReal.add(lossFake).div(2f);
            gc.backward(lossD);
        }
        adamD.step();
        NDArray lossG;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            lossG = BinaryCrossEntropy.withLogits(d.forward(g.forward(m.randomNormal(new Shape(N, latent)), true), true), 1f);
            gc.backward(lossG);
        }
        adamG.step();
        adamD.zeroGrad(); // d_opt.zero_grad(): what the G step left in D is discarded
        return new float[] {lossD.getFloat(), lossG.getFloat()};
    }

    /** Adam as written in Kingma & Ba (2015), Algorithm 1, with PyTorch's placement of eps. */
    private static final class PlainAdam {
        private final List<Parameter> params;
        private final double lr;
        private final float[][] mean;
        private final float[][] var;
        private int t;

        PlainAdam(List<Parameter> params, double lr) {
            this.params = params;
            this.lr = lr;
            this.mean = new float[params.size()][];
            this.var = new float[params.size()][];
            for (int i = 0; i < params.size(); i++) {
                mean[i] = new float[(int) params.get(i).getArray().size()];
                var[i] = new float[mean[i].length];
            }
        }

        void step() {
            t++;
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < params.size(); i++) {
                NDArray w = params.get(i).getArray();
                float[] wv = w.toFloatArray();
                float[] gv = w.getGradient().toFloatArray();
                for (int j = 0; j < wv.length; j++) {
                    mean[i][j] = 0.9f * mean[i][j] + 0.1f * gv[j];
                    var[i][j] = 0.999f * var[i][j] + 0.001f * gv[j] * gv[j];
                    double denom = Math.sqrt(var[i][j]) / Math.sqrt(c2) + 1e-8;
                    wv[j] -= (float) (lr / c1 * mean[i][j] / denom);
                }
                w.set(wv);
            }
            zeroGrad();
        }

        void zeroGrad() {
            for (Parameter p : params) {
                NDArray grad = p.getArray().getGradient();
                grad.subi(grad);
            }
        }
    }
}
