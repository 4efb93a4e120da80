package io.jgan.loss;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The tutorials' objective: BCE for D, and for G either the non-saturating loss
 * {@code -log D(G(z))} (the default: strong gradients early, when D rejects every sample) or the
 * original minimax loss {@code log(1 - D(G(z)))}.
 */
public final class BceLoss implements AdversarialLoss {

    private final float realLabel;
    private final boolean averageTerms;
    private final boolean saturating;

    /**
     * Creates the loss pair.
     *
     * @param realLabel D's target for real samples: 1, or 0.9 for one-sided label smoothing
     * @param averageTerms D's loss is (real + fake) / 2 (the GAN course) instead of real + fake (the MLP GAN)
     * @param saturating G minimises log(1 - D(G(z))) instead of -log D(G(z))
     */
    public BceLoss(float realLabel, boolean averageTerms, boolean saturating) {
        this.realLabel = realLabel;
        this.averageTerms = averageTerms;
        this.saturating = saturating;
    }

    /** D maximises log D(x) + log(1 - D(G(z))): BCE(real, 1) + BCE(fake, 0). */
    @Override
    public Tensor discriminatorLoss(Tensor realLogits, Tensor fakeLogits) {
        Tensor lossD = withLogits(realLogits, realLabel)
                .add(withLogits(fakeLogits, 0f));
        return averageTerms ? lossD.div(new Scalar(2.0)) : lossD;
    }

    /**
     * Non-saturating: BCE(fake, 1) = -log D(G(z)). Saturating: -BCE(fake, 0) = log(1 - D(G(z))).
     */
    @Override
    public Tensor generatorLoss(Tensor fakeLogits) {
        return saturating
                ? withLogits(fakeLogits, 0f).neg()
                : withLogits(fakeLogits, 1f);
    }

    /**
     * Mean binary cross-entropy of logits against one target for the whole batch, in the
     * numerically stable form: for a logit x and target y, {@code -[y log sigmoid(x) + (1-y) log(1 -
     * sigmoid(x))]} equals {@code softplus(x) - x*y}, and libtorch's softplus is {@code log1p(exp(x))}
     * below 20 and {@code x} above: no {@code log(0)} for confident logits, where the probability
     * form overflows to infinity. (Written out rather than libtorch's
     * {@code binary_cross_entropy_with_logits} so that the label smoothing and the saturating form
     * share one formula, pinned by our own tests.)
     *
     * @param logits (N, 1)
     * @param target the label for every sample: 1 for real, 0 for fake, 0.9 for smoothed real
     * @return a scalar, the mean over the batch (as {@code nn.BCELoss()})
     */
    public static Tensor withLogits(Tensor logits, float target) {
        Tensor perSample = torch.softplus(logits, new Scalar(1), new Scalar(20));
        if (target != 0f) {
            perSample = perSample.sub(logits.mul(new Scalar(target)));
        }
        return perSample.mean();
    }

    /**
     * BCE from logits is at most about |logit|; a loss of 10^4 means logits of 10^4, which no
     * healthy pair of networks produces (the tutorial's BCELoss even clamps its logs at -100).
     */
    @Override
    public double divergedAbove() {
        return 1e4;
    }
}
