package io.jgan.loss;

import ai.djl.ndarray.NDArray;
import io.jgan.engine.Scalars;

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
     * @param averageTerms D's loss is (real + fake) / 2 (seed 001) instead of real + fake (seed 004)
     * @param saturating G minimises log(1 - D(G(z))) instead of -log D(G(z))
     */
    public BceLoss(float realLabel, boolean averageTerms, boolean saturating) {
        this.realLabel = realLabel;
        this.averageTerms = averageTerms;
        this.saturating = saturating;
    }

    /** D maximises log D(x) + log(1 - D(G(z))): BCE(real, 1) + BCE(fake, 0). */
    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        NDArray lossD = BinaryCrossEntropy.withLogits(realLogits, realLabel)
                .add(BinaryCrossEntropy.withLogits(fakeLogits, 0f));
        return averageTerms ? Scalars.div(lossD, 2f) : lossD;
    }

    /**
     * Non-saturating: BCE(fake, 1) = -log D(G(z)). Saturating: -BCE(fake, 0) = log(1 - D(G(z))).
     */
    @Override
    public NDArray generatorLoss(NDArray fakeLogits) {
        return saturating
                ? BinaryCrossEntropy.withLogits(fakeLogits, 0f).neg()
                : BinaryCrossEntropy.withLogits(fakeLogits, 1f);
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
