package io.jgan.loss;

import ai.djl.ndarray.NDArray;
import io.jgan.engine.Scalars;

/**
 * Least-squares GAN (Mao et al. 2017), with D's raw output as the score: D minimises
 * {@code 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2]}, G minimises {@code 1/2 E[(D(G(z)) - 1)^2]}
 * (the 0-1-1 coding of the paper).
 */
public final class LeastSquaresLoss implements AdversarialLoss {

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        // 1/2 mean((D(x) - 1)^2) + 1/2 mean(D(G(z))^2)
        return Scalars.mul(Scalars.sub(realLogits, 1).square().mean().add(fakeLogits.square().mean()), 0.5);
    }

    @Override
    public NDArray generatorLoss(NDArray fakeLogits) {
        return Scalars.mul(Scalars.sub(fakeLogits, 1).square().mean(), 0.5); // 1/2 mean((D(G(z)) - 1)^2)
    }

    @Override
    public double divergedAbove() {
        return 1e8;
    }
}
