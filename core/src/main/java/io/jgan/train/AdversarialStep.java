package io.jgan.train;

import io.jgan.engine.Torch;
import io.jgan.loss.AdversarialLoss;
import io.jgan.model.Conv2d;
import io.jgan.model.Network;
import io.jgan.model.Rows;
import io.jgan.optim.Adam;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * One GAN iteration (Goodfellow et al. 2014, Algorithm 1): k discriminator half-steps, then one
 * generator half-step, each with its own backward pass. G's samples for D's half-step are made
 * with graph recording off ({@code G(z).detach()}), and D is frozen during G's.
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
    private final DataParallel dp;
    private double r1Gamma; // 0: no R1 penalty
    private int r1Every = 1;
    private DiffAugment augment; // null: D sees the images as they are
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
        this(generator, discriminator, optimizerG, optimizerD, loss, latentDim, jointBatch, classes,
                DataParallel.single());
    }

    /**
     * Wires the step for one rank of a data-parallel job: each batch it is given is the global
     * batch, of which it computes its shard, and gradients are summed over the ranks before each
     * update.
     *
     * @param generator G
     * @param discriminator D (returns logits)
     * @param optimizerG Adam over G's parameters only
     * @param optimizerD Adam over D's parameters only
     * @param loss the objective pair
     * @param latentDim size of z
     * @param jointBatch pass real and fake through D as one batch
     * @param classes 0, or the class count of a conditional GAN
     * @param dp the ranks, or {@link DataParallel#single()}
     */
    public AdversarialStep(Network generator, Network discriminator, Adam optimizerG, Adam optimizerD,
            AdversarialLoss loss, int latentDim, boolean jointBatch, int classes, DataParallel dp) {
        this.dp = dp;
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
     * Adds the R1 penalty on real data (Mescheder et al. 2018) to D's loss: {@code gamma / 2 *
     * E[||grad_x D(x)||^2]}, x real; lazily (every k-th D update, weighted by k, as StyleGAN2
     * does) when {@code every > 1}. Which updates get it follows D's Adam step count, which a
     * checkpoint keeps, so a resumed run applies it on the same steps.
     *
     * @param gamma the weight (0: off)
     * @param every apply on every k-th D update
     */
    public void r1(double gamma, int every) {
        this.r1Gamma = gamma;
        this.r1Every = Math.max(1, every);
    }

    /**
     * Makes D see every image, real and generated, in both half-steps, through differentiable
     * augmentation ({@link DiffAugment}).
     *
     * @param a the augmentation, or null for none
     */
    public void augment(DiffAugment a) {
        this.augment = a;
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
     * gradients are still there (the update drops them).
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
     * @param realBatches k real batches, each (N, dataDim): the global batches under data parallelism
     * @param labelBatches their one-hot labels (N, classes) for a conditional GAN, else null
     * @return the losses and D's mean outputs
     */
    public Result run(List<Tensor> realBatches, List<Tensor> labelBatches) {
        float lossD = 0f;
        float dReal = 0f;
        float dFake = 0f;
        for (int b = 0; b < realBatches.size(); b++) {
            Tensor real = realBatches.get(b);
            float[] d = labelBatches == null ? discriminatorStep(real)
                    : conditionalDiscriminatorStep(real, labelBatches.get(b));
            lossD += d[0];
            dReal += d[1];
            dFake += d[2];
        }
        int k = realBatches.size();
        float lossG = generatorStep((int) realBatches.get(realBatches.size() - 1).size(0));
        return new Result(lossD / k, lossG, dReal / k, dFake / k);
    }

    /**
     * (1) for a conditional GAN: real samples with their labels, generated ones made for the same
     * labels; every D input is [image | one-hot label].
     *
     * @return {lossD, mean D(x), mean D(G(z))}
     */
    private float[] conditionalDiscriminatorStep(Tensor realBatch, Tensor labelBatch) {
        int n = (int) realBatch.size(0); // the global batch's rows
        Tensor real = dp.local(realBatch); // (this rank's rows, dataDim)
        Tensor labels = dp.local(labelBatch);
        Tensor fake; // (rows, dataDim): G(z).detach(), no graph recorded
        try (Torch.NoGrad off = Torch.noGrad(); Torch.Autocast ac = Torch.autocast();
                Rows.Shard s = dp.shard(n, 1)) {
            fake = Torch.toFloat(generator.forward(withLabels(dp.local(noise(n)), labels), true));
        }
        float[] result = discriminatorBackward(withLabels(real, labels), withLabels(fake, labels), n);
        dp.sumGradients(discriminator);
        beforeUpdate.accept(discriminator);
        optimizerD.step();
        return result;
    }

    private static Tensor withLabels(Tensor x, Tensor oneHot) {
        return torch.cat(new TensorVector(x, oneHot), 1);
    }

    /**
     * (1) Update D: maximise log D(x) + log(1 - D(G(z))).
     *
     * @return {lossD, mean D(x), mean D(G(z))}
     */
    float[] discriminatorStep(Tensor realBatch) {
        int n = (int) realBatch.size(0); // the global batch's rows
        Tensor real = dp.local(realBatch); // (this rank's rows, dataDim)
        Tensor fake; // (rows, dataDim): G(z).detach(), no graph recorded
        try (Torch.NoGrad off = Torch.noGrad(); Torch.Autocast ac = Torch.autocast();
                Rows.Shard s = dp.shard(n, 1)) {
            fake = Torch.toFloat(generator.forward(dp.local(noise(n)), true));
        }
        float[] result = discriminatorBackward(real, fake, n);
        dp.sumGradients(discriminator);
        beforeUpdate.accept(discriminator);
        optimizerD.step(); // updates D only, then drops D's gradients
        return result;
    }

    /**
     * D's loss on a real and a generated batch, back-propagated into D's gradients (not applied).
     *
     * @return {lossD, mean D(x), mean D(G(z))}
     */
    float[] discriminatorBackward(Tensor real, Tensor fake) {
        return discriminatorBackward(real, fake, real.size(0));
    }

    /**
     * D's loss on this rank's rows of a real and a generated batch of {@code global} rows each.
     *
     * @return {lossD, mean D(x), mean D(G(z))} of the global batch
     */
    private float[] discriminatorBackward(Tensor realRows, Tensor fakeRows, long global) {
        Tensor real = augment == null ? realRows : augment.apply(realRows, dp, global); // what D sees
        Tensor fake = augment == null ? fakeRows : augment.apply(fakeRows, dp, global);
        int n = (int) real.size(0);
        Tensor realLogits;
        Tensor fakeLogits;
        try (Torch.Autocast ac = Torch.autocast(); // bf16 forward passes when chosen; losses in float32
                Rows.Shard s = dp.shard(global, jointBatch ? 2 : 1)) {
            if (jointBatch) {
                // One pass over (2n, dataDim): the same per-sample maths as two passes (D has no
                // batch statistics), with larger, faster matrix products and one backward pass.
                Tensor logits = Torch.toFloat(discriminator.forward(torch.cat(new TensorVector(real, fake), 0), true)); // (2n, 1)
                realLogits = logits.narrow(0, 0, n); // (n, 1)
                fakeLogits = logits.narrow(0, n, n); // (n, 1)
            } else {
                realLogits = Torch.toFloat(discriminator.forward(real, true)); // (n, 1)
                fakeLogits = Torch.toFloat(discriminator.forward(fake, true)); // (n, 1)
            }
        }
        Tensor lossD = loss.discriminatorLoss(realLogits, fakeLogits);
        double lambda = loss.gradientPenaltyWeight();
        if (lambda > 0) {
            lossD = lossD.add(gradientPenalty(real, fake, global).mul(new Scalar(lambda)));
        }
        if (r1Gamma > 0 && optimizerD.stepCount() % r1Every == 0) {
            lossD = lossD.add(r1Penalty(real, global).mul(new Scalar(r1Gamma / 2 * r1Every)));
        }
        beforeBackward.run();
        dp.weighted(lossD, global).backward();
        try (Torch.NoGrad off = Torch.noGrad()) {
            if (dp.active()) { // the global batch's numbers: the ranks' weighted means, summed
                return dp.sum(dp.weighted(torch.stack(new TensorVector(lossD, torch.sigmoid(realLogits).mean(),
                        torch.sigmoid(fakeLogits).mean())), global));
            }
            return new float[] {
                Torch.item(lossD), Torch.item(torch.sigmoid(realLogits).mean()), Torch.item(torch.sigmoid(fakeLogits).mean())
            };
        }
    }

    /**
     * WGAN-GP's penalty {@code E[(||grad_xhat D(xhat)||_2 - 1)^2]} at {@code xhat = eps x + (1 - eps)
     * G(z)}, eps ~ U(0, 1) per sample, as a term whose own gradient reaches D's weights.
     *
     * <p>Always float32 (outside autocast): a gradient of a gradient in bfloat16 would be noise.
     * The gradient comes from libtorch's {@code autograd::grad} with create_graph, which returns
     * it and stores nothing in D's weights: no cycle between a weight and its gradient, no graph
     * kept from one step to the next.
     */
    Tensor gradientPenalty(Tensor real, Tensor fake) {
        return gradientPenalty(real, fake, real.size(0));
    }

    /** The penalty on this rank's rows of a global batch of {@code global} rows. */
    private Tensor gradientPenalty(Tensor real, Tensor fake, long global) {
        Tensor eps = dp.local(Torch.rand(global, 1)); // (rows, 1), broadcast over pixels: the global draw's rows
        Tensor xhat = real.mul(eps).add(fake.mul(eps.neg().add(new Scalar(1.0)))) // (n, dataDim), a new leaf
                .detach().set_requires_grad(true);
        Tensor out;
        try (Conv2d.Exact exact = Conv2d.exactGradients(); // a gradient of this gradient is taken
                Rows.Shard s = dp.shard(global, 1)) {
            out = discriminator.forward(xhat, true); // (n, 1)
        }
        // d sum_i D(xhat_i) / d xhat = d D(xhat_i) / d xhat_i row by row: (n, dataDim), itself differentiable
        Tensor grad = torch.grad(new TensorVector(out), new TensorVector(xhat),
                new TensorVector(torch.ones_like(out)), new BoolOptional(true), true, false).get(0);
        if (classes > 0) { // the penalty is on the image part; the label columns are not a direction of x
            grad = grad.narrow(1, 0, grad.size(1) - classes);
        }
        Tensor norm = grad.square().sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
                .add(new Scalar(1e-12f)).sqrt(); // (n)
        return norm.sub(new Scalar(1.0)).square().mean();
    }

    /**
     * R1's {@code E[||grad_x D(x)||^2]} over real rows, as a term whose own gradient reaches D's
     * weights (the input-gradient path of WGAN-GP's penalty: libtorch's autograd::grad with
     * create_graph). For a conditional D the label columns are not a direction of x.
     *
     * @param real this rank's real rows (rows, D's input)
     * @param global rows of the global batch
     * @return the mean squared gradient norm, a scalar
     */
    Tensor r1Penalty(Tensor real, long global) {
        Tensor x = real.detach().set_requires_grad(true); // (rows, D's input), a new leaf
        Tensor out;
        try (Conv2d.Exact exact = Conv2d.exactGradients(); // a gradient of this gradient is taken
                Rows.Shard s = dp.shard(global, 1)) {
            out = Torch.toFloat(discriminator.forward(x, true)); // (rows, 1)
        }
        Tensor grad = torch.grad(new TensorVector(out), new TensorVector(x),
                new TensorVector(torch.ones_like(out)), new BoolOptional(true), true, false).get(0); // (rows, input)
        if (classes > 0) {
            grad = grad.narrow(1, 0, grad.size(1) - classes);
        }
        return grad.square().sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).mean();
    }

    /**
     * (2) Update G: maximise log D(G(z)) with fresh noise (the non-saturating loss by default).
     * D is frozen, so G's backward pass neither moves D nor leaves gradients in it.
     *
     * @return lossG
     */
    float generatorStep(int n) {
        Tensor lossG;
        discriminator.freeze(true);
        try {
            Tensor z = dp.local(noise(n)); // (this rank's rows of n, latentDim)
            Tensor labels = null;
            if (classes > 0) { // labels uniform over the classes, (n, classes) one-hot
                labels = dp.local(torch.one_hot(torch.randint(0, classes, new long[] {n}, Torch.longs()), classes)
                        .to(org.bytedeco.pytorch.global.torch.ScalarType.Float));
                z = withLabels(z, labels);
            }
            Tensor fakeLogits;
            try (Torch.Autocast ac = Torch.autocast(); // bf16 forward passes when chosen; the loss in float32
                    Rows.Shard s = dp.shard(n, 1)) {
                Tensor fake = Torch.toFloat(generator.forward(z, true)); // (n, dataDim), graph recorded
                Tensor seen = labels == null ? fake : withLabels(fake, labels);
                if (augment != null) { // differentiable: G's gradient passes through the transforms
                    seen = augment.apply(seen, dp, n);
                }
                fakeLogits = Torch.toFloat(discriminator.forward(seen, true));
            }
            lossG = loss.generatorLoss(fakeLogits);
            beforeBackward.run();
            dp.weighted(lossG, n).backward();
        } finally {
            discriminator.freeze(false);
        }
        dp.sumGradients(generator);
        beforeUpdate.accept(generator);
        optimizerG.step();
        return dp.active() ? dp.sum(dp.weighted(lossG.detach().reshape(1), n))[0] : Torch.item(lossG);
    }

    /** z ~ N(0, 1), (n, latentDim), from the engine's seeded generator. */
    private Tensor noise(int n) {
        return Torch.randn(n, latentDim);
    }
}
