package io.jgan.loss;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Hinge loss (Lim and Ye 2017; SAGAN, BigGAN): D minimises {@code E[max(0, 1 - D(x))] +
 * E[max(0, 1 + D(G(z)))]}, G minimises {@code -E[D(G(z))]}.
 */
public final class HingeLoss implements AdversarialLoss {

    @Override
    public Tensor discriminatorLoss(Tensor realLogits, Tensor fakeLogits) {
        // mean(max(0, 1 - D(x))) + mean(max(0, 1 + D(G(z))))
        return torch.relu(realLogits.neg().add(new Scalar(1.0))).mean()
                .add(torch.relu(fakeLogits.add(new Scalar(1.0))).mean());
    }

    @Override
    public Tensor generatorLoss(Tensor fakeLogits) {
        return fakeLogits.mean().neg();
    }

    @Override
    public double divergedAbove() {
        return 1e8;
    }
}
