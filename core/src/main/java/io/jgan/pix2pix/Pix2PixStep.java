package io.jgan.pix2pix;

import io.jgan.engine.Torch;
import io.jgan.loss.BceLoss;
import io.jgan.model.Network;
import io.jgan.optim.Adam;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

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
     * gradients are still there (the update drops them).
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
    public Result run(Tensor input, Tensor target) {
        // (1) D, on gen(sketch).detach(): no graph recorded through G
        Tensor fake;
        try (Torch.NoGrad off = Torch.noGrad(); Torch.Autocast ac = Torch.autocast()) {
            fake = Torch.toFloat(generator.forward(input, true));
        }
        Tensor realLogits;
        Tensor fakeLogits;
        try (Torch.Autocast ac = Torch.autocast()) { // bf16 forward passes when chosen; losses in float32
            realLogits = Torch.toFloat(discriminator.forward(pair(target, input), true)); // (N, P*P)
            fakeLogits = Torch.toFloat(discriminator.forward(pair(fake, input), true));
        }
        Tensor lossD = discriminatorLoss(realLogits, fakeLogits);
        lossD.backward();
        beforeUpdate.accept(discriminator);
        optimizerD.step();
        // (2) G: D frozen, so G's backward pass leaves nothing in D
        Tensor lossG;
        Tensor l1;
        discriminator.freeze(true);
        try {
            Tensor out;
            Tensor outLogits;
            try (Torch.Autocast ac = Torch.autocast()) {
                out = Torch.toFloat(generator.forward(input, true)); // graph recorded
                outLogits = Torch.toFloat(discriminator.forward(pair(out, input), true));
            }
            l1 = out.sub(target).abs().mean();
            lossG = generatorLoss(outLogits, l1, l1Weight);
            lossG.backward();
        } finally {
            discriminator.freeze(false);
        }
        beforeUpdate.accept(generator);
        optimizerG.step();
        try (Torch.NoGrad off = Torch.noGrad()) {
            return new Result(Torch.item(lossD), Torch.item(lossG), Torch.item(l1),
                    Torch.item(torch.sigmoid(realLogits).mean()), Torch.item(torch.sigmoid(fakeLogits).mean()));
        }
    }

    /**
     * D's loss: (BCE(real patches, 1) + BCE(fake patches, 0)) / 2.
     *
     * @param realLogits D(b, a), (N, P*P)
     * @param fakeLogits D(G(a), a)
     * @return a scalar
     */
    static Tensor discriminatorLoss(Tensor realLogits, Tensor fakeLogits) {
        return BceLoss.withLogits(realLogits, 1f).add(BceLoss.withLogits(fakeLogits, 0f)).mul(new Scalar(0.5f));
    }

    /**
     * G's loss: BCE(D(G(a), a), 1) + lambda mean |G(a) - b|.
     *
     * @param fakeLogits D(G(a), a) with the graph through G
     * @param l1 mean |G(a) - b|
     * @param lambda the L1 weight
     * @return a scalar
     */
    static Tensor generatorLoss(Tensor fakeLogits, Tensor l1, float lambda) {
        return BceLoss.withLogits(fakeLogits, 1f).add(l1.mul(new Scalar(lambda)));
    }

    /** (image, condition) as D's input: (N, C*S*S) twice, side by side = channels stacked once reshaped. */
    static Tensor pair(Tensor image, Tensor condition) {
        return torch.cat(new TensorVector(image, condition), 1); // (N, 2*C*S*S)
    }
}
