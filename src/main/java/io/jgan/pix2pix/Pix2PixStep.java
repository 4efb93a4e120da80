package io.jgan.pix2pix;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import io.jgan.engine.Scalars;
import io.jgan.loss.BceLoss;
import io.jgan.model.Network;
import io.jgan.optim.Adam;
import java.util.function.Consumer;

/**
 * One pix2pix iteration, as 'An Intuitive way to understand GANs' writes it:
 *
 * <pre>
 * fake = gen(sketch)
 * disc_fake_hat = disc(fake.detach(), sketch); disc_real_hat = disc(real, sketch)
 * disc_loss = (disc_fake_loss + disc_real_loss) / 2
 * gen_loss = adversarial(disc(fake, sketch), 1) + lambda * L1(fake, real)
 * </pre>
 *
 * D sees (image, condition) stacked as channels and returns one logit per patch; its BCE is the
 * mean over patches and samples. D has batch norm, so real and generated pairs go through it
 * in separate passes.
 */
public final class Pix2PixStep {

    private final Network generator;
    private final Network discriminator;
    private final Adam optimizerG;
    private final Adam optimizerD;
    private final float l1Weight;
    private Consumer<Network> beforeUpdate = n -> { };

    /**
     * @param generator the U-Net, (N, C*S*S) to (N, C*S*S)
     * @param discriminator the PatchGAN, (N, 2*C*S*S) to (N, P*P) logits
     * @param optimizerG Adam over G
     * @param optimizerD Adam over D
     * @param l1Weight lambda
     */
    public Pix2PixStep(Network generator, Network discriminator, Adam optimizerG, Adam optimizerD, double l1Weight) {
        this.generator = generator;
        this.discriminator = discriminator;
        this.optimizerG = optimizerG;
        this.optimizerD = optimizerD;
        this.l1Weight = (float) l1Weight;
    }

    /**
     * Sets what runs just before each network's optimiser step, with that network, while its
     * gradients are still there (the update zeroes them).
     *
     * @param hook the action
     */
    public void beforeUpdate(Consumer<Network> hook) {
        this.beforeUpdate = hook;
    }

    /**
     * What an iteration reports.
     *
     * @param lossD D's loss, the mean of its real and fake terms
     * @param lossG G's adversarial loss plus lambda x L1
     * @param l1 mean |G(a) - b|
     * @param dReal mean D(b, a) over patches
     * @param dFake mean D(G(a), a) over patches, in the D step
     */
    public record Result(float lossD, float lossG, float l1, float dReal, float dFake) {}

    /**
     * Runs one iteration: a D step, then a G step.
     *
     * @param input the condition a, (N, C*S*S) in [-1, 1]
     * @param target the image b, (N, C*S*S)
     * @return the scalars
     */
    public Result run(NDArray input, NDArray target) {
        // (1) D: outside a collector no graph is recorded: this is gen(sketch).detach()
        NDArray fake = generator.forward(input, true);
        NDArray lossD;
        NDArray realLogits;
        NDArray fakeLogits;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            realLogits = discriminator.forward(pair(target, input), true); // (N, P*P)
            fakeLogits = discriminator.forward(pair(fake, input), true);
            lossD = discriminatorLoss(realLogits, fakeLogits);
            gc.backward(lossD);
        }
        beforeUpdate.accept(discriminator);
        optimizerD.step();
        // (2) G: D frozen, so G's backward pass leaves nothing in D
        NDArray lossG;
        NDArray l1;
        discriminator.freeze(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = generator.forward(input, true); // graph recorded
            l1 = out.sub(target).abs().mean();
            lossG = generatorLoss(discriminator.forward(pair(out, input), true), l1, l1Weight);
            gc.backward(lossG);
        } finally {
            discriminator.freeze(false);
        }
        beforeUpdate.accept(generator);
        optimizerG.step();
        return new Result(lossD.getFloat(), lossG.getFloat(), l1.getFloat(),
                Activation.sigmoid(realLogits).mean().getFloat(), Activation.sigmoid(fakeLogits).mean().getFloat());
    }

    /**
     * D's loss: (BCE(real patches, 1) + BCE(fake patches, 0)) / 2.
     *
     * @param realLogits D(b, a), (N, P*P)
     * @param fakeLogits D(G(a), a)
     * @return a scalar
     */
    static NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Scalars.mul(BceLoss.withLogits(realLogits, 1f).add(BceLoss.withLogits(fakeLogits, 0f)), 0.5f);
    }

    /**
     * G's loss: BCE(D(G(a), a), 1) + lambda mean |G(a) - b|.
     *
     * @param fakeLogits D(G(a), a) with the graph through G
     * @param l1 mean |G(a) - b|
     * @param lambda the L1 weight
     * @return a scalar
     */
    static NDArray generatorLoss(NDArray fakeLogits, NDArray l1, float lambda) {
        return BceLoss.withLogits(fakeLogits, 1f).add(Scalars.mul(l1, lambda));
    }

    /** (image, condition) as D's input: (N, C*S*S) twice, side by side = channels stacked once reshaped. */
    static NDArray pair(NDArray image, NDArray condition) {
        return NDArrays.concat(new NDList(image, condition), 1); // (N, 2*C*S*S)
    }
}
