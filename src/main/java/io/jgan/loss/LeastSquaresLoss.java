package io.jgan.loss;

import ai.djl.ndarray.NDArray;

/**
 * Least-squares GAN (Mao et al. 2017), with D's raw output as the score: D minimises
 * {@code 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2]}, G minimises {@code 1/2 E[(D(G(z)) - 1)^2]}
 * (the 0-1-1 coding of the paper).
 */
public final class LeastSquaresLoss implements AdversarialLoss {

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return realLogits.sub(1f).square().mean().add(fakeLogits.square().mean()).mul(0.5f);
    }

    @Override
    public NDArray generatorLoss(NDArray fakeLogits) {
        return fakeLogits.sub(1f).square().mean().mul(0.5f);
    }

    @Override
    public double divergedAbove() {
        return 1e8;
    }
}
