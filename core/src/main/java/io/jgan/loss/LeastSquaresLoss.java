package io.jgan.loss;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Least-squares GAN (Mao et al. 2017), with D's raw output as the score: D minimises
 * {@code 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2]}, G minimises {@code 1/2 E[(D(G(z)) - 1)^2]}
 * (the 0-1-1 coding of the paper).
 */
public final class LeastSquaresLoss implements AdversarialLoss {

    @Override
    public Tensor discriminatorLoss(Tensor realLogits, Tensor fakeLogits) {
        // 1/2 mean((D(x) - 1)^2) + 1/2 mean(D(G(z))^2)
        return realLogits.sub(new Scalar(1.0)).square().mean().add(fakeLogits.square().mean()).mul(new Scalar(0.5));
    }

    @Override
    public Tensor generatorLoss(Tensor fakeLogits) {
        return fakeLogits.sub(new Scalar(1.0)).square().mean().mul(new Scalar(0.5)); // 1/2 mean((D(G(z)) - 1)^2)
    }

    @Override
    public double divergedAbove() {
        return 1e8;
    }
}
