package io.jgan.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import io.jgan.engine.InputGradient;
import io.jgan.engine.Scalars;
import io.jgan.loss.AdversarialLoss;
import io.jgan.model.Network;
import io.jgan.optim.Adam;
import java.util.List;
import java.util.function.Consumer;

/**
 * One GAN iteration (Goodfellow et al. 2014, Algorithm 1): k discriminator half-steps, then one
 * generator half-step, each with its own gradient collector (DJL allows one open at a time).
 */
public final class AdversarialStep {

    private final Network generator;
    private final Network discriminator;
    private final Adam optimizerG;
    private final Adam optimizerD;
    private final AdversarialLoss loss;
    private final int latentDim;
    private final boolean jointBatch;
    private final int classes;
    private Runnable beforeBackward = () -> { };
    private Consumer<Network> beforeUpdate = n -> { };

    /**
     * Wires the two networks, their optimisers and the objective.
     *
     * @param generator G
     * @param discriminator D (returns logits)
     * @param optimizerG Adam over G's parameters only
     * @param optimizerD Adam over D's parameters only
     * @param loss the objective pair
     * @param latentDim size of z
     * @param jointBatch pass real and fake through D as one batch (only for a D without batch
     *     statistics, where it is the same maths)
     * @param classes 0, or the class count of a conditional GAN: both networks' inputs then end
     *     in a one-hot class code
     */
    public AdversarialStep(Network generator, Network discriminator, Adam optimizerG, Adam optimizerD,
            AdversarialLoss loss, int latentDim, boolean jointBatch, int classes) {
        this.generator = generator;
        this.discriminator = discriminator;
        this.optimizerG = optimizerG;
        this.optimizerD = optimizerD;
        this.loss = loss;
        this.latentDim = latentDim;
        this.jointBatch = jointBatch;
        this.classes = classes;
    }

    /**
     * Sets what runs just before every backward pass (tests: a GC and reuse of freed memory there
     * shows whether the recorded graph depends on memory Java may free).
     *
     * @param hook the action
     */
    void beforeBackward(Runnable hook) {
        this.beforeBackward = hook;
    }

    /**
     * Sets what runs just before each network's optimiser step, with that network, while its
     * gradients are still there (the update zeroes them).
     *
     * @param hook the action
     */
    void beforeUpdate(Consumer<Network> hook) {
        this.beforeUpdate = hook;
    }

    /** The scalars one iteration reports. */
    public record Result(float lossD, float lossG, float dReal, float dFake) {}

    /**
     * Runs one iteration. Every array it creates belongs to {@code it}.
     *
     * @param it the iteration's manager, closed by the caller
     * @param realBatches k real batches, each (N, dataDim)
     * @param labelBatches their one-hot labels (N, classes) for a conditional GAN, else null
     * @return the losses and D's mean outputs
     */
    public Result run(NDManager it, List<NDArray> realBatches, List<NDArray> labelBatches) {
        float lossD = 0f;
        float dReal = 0f;
        float dFake = 0f;
        for (int b = 0; b < realBatches.size(); b++) {
            NDArray real = realBatches.get(b);
            float[] d = labelBatches == null ? discriminatorStep(it, real)
                    : conditionalDiscriminatorStep(it, real, labelBatches.get(b));
            lossD += d[0];
            dReal += d[1];
            dFake += d[2];
        }
        int k = realBatches.size();
        float lossG = generatorStep(it, (int) realBatches.get(realBatches.size() - 1).getShape().get(0));
        return new Result(lossD / k, lossG, dReal / k, dFake / k);
    }

    /**
     * (1) for a conditional GAN: real samples with their labels, generated ones made for the same
     * labels; every D input is [image | one-hot label].
     *
     * @return {lossD, mean D(x), mean D(G(z))}
     */
    private float[] conditionalDiscriminatorStep(NDManager it, NDArray real, NDArray labels) {
        int n = (int) real.getShape().get(0);
        NDArray fake = generator.forward(withLabels(noise(it, n), labels), true); // (n, dataDim), no graph
        float[] result = discriminatorBackward(it, withLabels(real, labels), withLabels(fake, labels));
        beforeUpdate.accept(discriminator);
        optimizerD.step();
        return result;
    }

    private static NDArray withLabels(NDArray x, NDArray oneHot) {
        return NDArrays.concat(new NDList(x, oneHot), 1);
    }

    /**
     * (1) Update D: maximise log D(x) + log(1 - D(G(z))).
     *
     * @return {lossD, mean D(x), mean D(G(z))}
     */
    float[] discriminatorStep(NDManager it, NDArray real) {
        int n = (int) real.getShape().get(0);
        // Outside a collector the engine records no graph: this is G(z).detach(), (n, dataDim)
        NDArray fake = generator.forward(noise(it, n), true);
        float[] result = discriminatorBackward(it, real, fake);
        beforeUpdate.accept(discriminator);
        optimizerD.step(); // updates D only, then zeroes D's gradients
        return result;
    }

    /**
     * D's loss on a real and a generated batch, back-propagated into D's gradients (not applied).
     *
     * @return {lossD, mean D(x), mean D(G(z))}
     */
    float[] discriminatorBackward(NDManager it, NDArray real, NDArray fake) {
        int n = (int) real.getShape().get(0);
        NDArray lossD;
        NDArray realLogits;
        NDArray fakeLogits;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            if (jointBatch) {
                // One pass over (2n, dataDim): the same per-sample maths as two passes (D has no
                // batch statistics), with larger, faster matrix products and one backward pass.
                NDArray logits = discriminator.forward(NDArrays.concat(new NDList(real, fake)), true); // (2n, 1)
                realLogits = logits.get(new NDIndex("0:{}", n)); // (n, 1)
                fakeLogits = logits.get(new NDIndex("{}:", n)); // (n, 1)
            } else {
                realLogits = discriminator.forward(real, true); // (n, 1)
                fakeLogits = discriminator.forward(fake, true); // (n, 1)
            }
            lossD = loss.discriminatorLoss(realLogits, fakeLogits);
            double lambda = loss.gradientPenaltyWeight();
            if (lambda > 0) {
                lossD = lossD.add(Scalars.mul(gradientPenalty(it, real, fake), lambda));
            }
            beforeBackward.run();
            gc.backward(lossD);
        }
        return new float[] {
            lossD.getFloat(), Activation.sigmoid(realLogits).mean().getFloat(),
            Activation.sigmoid(fakeLogits).mean().getFloat()
        };
    }

    /**
     * WGAN-GP's penalty {@code E[(||grad_xhat D(xhat)||_2 - 1)^2]} at {@code xhat = eps x + (1 - eps)
     * G(z)}, eps ~ U(0, 1) per sample, as a term whose own gradient reaches D's weights.
     *
     * <p>The gradient comes from {@link InputGradient} ({@code autograd.grad} with create_graph),
     * which stores nothing in D's weights: no cycle between a weight and its gradient, no graph kept
     * from one step to the next.
     */
    NDArray gradientPenalty(NDManager it, NDArray real, NDArray fake) {
        int n = (int) real.getShape().get(0);
        NDArray eps = it.randomUniform(0f, 1f, new Shape(n, 1)); // (n, 1), broadcast over pixels
        NDArray xhat = real.mul(eps).add(fake.mul(Scalars.add(eps.neg(), 1))); // (n, dataDim), a new leaf
        xhat.setRequiresGradient(true);
        NDArray out = discriminator.forward(xhat, true); // (n, 1)
        NDArray grad = InputGradient.of(out, xhat); // (n, dataDim), d D(xhat_i) / d xhat_i, itself differentiable
        if (classes > 0) { // the penalty is on the image part; the label columns are not a direction of x
            grad = grad.get(new NDIndex(":, :{}", grad.getShape().get(1) - classes));
        }
        NDArray norm = Scalars.add(grad.square().sum(new int[] {1}), 1e-12f).sqrt(); // (n)
        return Scalars.sub(norm, 1).square().mean();
    }

    /**
     * (2) Update G: maximise log D(G(z)) with fresh noise (the non-saturating loss by default).
     * D is frozen, so G's backward pass neither moves D nor leaves gradients in it.
     *
     * @return lossG
     */
    float generatorStep(NDManager it, int n) {
        NDArray lossG;
        discriminator.freeze(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray z = noise(it, n);
            NDArray labels = null;
            if (classes > 0) { // labels uniform over the classes, (n, classes) one-hot
                labels = it.randomInteger(0, classes, new Shape(n), ai.djl.ndarray.types.DataType.INT64).oneHot(classes);
                z = withLabels(z, labels);
            }
            NDArray fake = generator.forward(z, true); // (n, dataDim), graph recorded
            lossG = loss.generatorLoss(discriminator.forward(labels == null ? fake : withLabels(fake, labels), true));
            beforeBackward.run();
            gc.backward(lossG);
        } finally {
            discriminator.freeze(false);
        }
        beforeUpdate.accept(generator);
        optimizerG.step();
        return lossG.getFloat();
    }

    /** z ~ N(0, 1), (n, latentDim), from the engine's seeded generator. */
    private NDArray noise(NDManager it, int n) {
        return it.randomNormal(new Shape(n, latentDim));
    }
}
