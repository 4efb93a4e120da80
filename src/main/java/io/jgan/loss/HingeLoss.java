package io.jgan.loss;

import ai.djl.ndarray.NDArray;

/**
 * Hinge loss (Lim and Ye 2017; SAGAN, BigGAN): D minimises {@code E[max(0, 1 - D(x))] +
 * E[max(0, 1 + D(G(z)))]}, G minimises {@code -E[D(G(z))]}.
 */
public final class HingeLoss implements AdversarialLoss {

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return realLogits.neg().add(1f).maximum(0f).mean().add(fakeLogits.add(1f).maximum(0f).mean());
    }

    @Override
    public NDArray generatorLoss(NDArray fakeLogits) {
        return fakeLogits.mean().neg();
    }

    @Override
    public double divergedAbove() {
        return 1e8;
    }
}
