package io.jgan.loss;

import org.bytedeco.pytorch.Tensor;

/**
 * Wasserstein GAN with gradient penalty (Gulrajani et al. 2017): the critic D minimises
 * {@code E[D(G(z))] - E[D(x)] + lambda E[(||grad_xhat D(xhat)||_2 - 1)^2]} at random points
 * {@code xhat} between real and generated samples; G minimises {@code -E[D(G(z))]}. The penalty
 * needs the gradient of a gradient; {@code AdversarialStep} computes it (libtorch's
 * {@code autograd::grad} with create_graph) when {@link #gradientPenaltyWeight} is
 * positive. The paper's settings: lambda 10, Adam 1e-4 with betas (0, 0.9), 5 critic steps.
 */
public final class WassersteinGpLoss implements AdversarialLoss {

    /** The paper's lambda. */
    public static final double LAMBDA = 10.0;

    @Override
    public Tensor discriminatorLoss(Tensor realLogits, Tensor fakeLogits) {
        return fakeLogits.mean().sub(realLogits.mean());
    }

    @Override
    public Tensor generatorLoss(Tensor fakeLogits) {
        return fakeLogits.mean().neg();
    }

    @Override
    public double gradientPenaltyWeight() {
        return LAMBDA;
    }

    @Override
    public double divergedAbove() {
        return 1e8;
    }
}
