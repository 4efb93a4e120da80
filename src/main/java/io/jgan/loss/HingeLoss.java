package io.jgan.loss;

import ai.djl.ndarray.NDArray;
import io.jgan.engine.Scalars;

/**
 * Hinge loss (Lim and Ye 2017; SAGAN, BigGAN): D minimises {@code E[max(0, 1 - D(x))] +
 * E[max(0, 1 + D(G(z)))]}, G minimises {@code -E[D(G(z))]}.
 */
public final class HingeLoss implements AdversarialLoss {

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        // mean(max(0, 1 - D(x))) + mean(max(0, 1 + D(G(z))))
        return Scalars.maximum(Scalars.add(realLogits.neg(), 1), 0).mean()
                .add(Scalars.maximum(Scalars.add(fakeLogits, 1), 0).mean());
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
