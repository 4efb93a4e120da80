package io.jgan.loss;

import io.jgan.config.TrainConfig;
import org.bytedeco.pytorch.Tensor;

/**
 * An adversarial objective as a named pair: the discriminator's loss and the generator's loss,
 * both computed from D's logits and both minimised.
 */
public interface AdversarialLoss {

    /**
     * The discriminator's loss.
     *
     * @param realLogits D's logits on real samples, (N, 1)
     * @param fakeLogits D's logits on generated samples, (N, 1)
     * @return a scalar
     */
    Tensor discriminatorLoss(Tensor realLogits, Tensor fakeLogits);

    /**
     * The generator's loss.
     *
     * @param fakeLogits D's logits on generated samples, (N, 1)
     * @return a scalar
     */
    Tensor generatorLoss(Tensor fakeLogits);

    /**
     * A loss magnitude beyond which training has blown up even if the numbers are still finite.
     *
     * @return the bound (infinity if the objective has none)
     */
    default double divergedAbove() {
        return Double.POSITIVE_INFINITY;
    }

    /**
     * The weight of a gradient penalty on D at points between real and generated samples (0 =
     * none; WGAN-GP's lambda).
     *
     * @return lambda
     */
    default double gradientPenaltyWeight() {
        return 0;
    }

    /**
     * Returns the objective a training config names.
     *
     * @param train the validated config
     * @return the loss pair
     */
    static AdversarialLoss of(TrainConfig train) {
        return switch (train.loss()) {
            case "bce" -> new BceLoss((float) train.realLabel(), train.averageDTerms(), false);
            case "bce-saturating" -> new BceLoss((float) train.realLabel(), train.averageDTerms(), true);
            case "lsgan" -> new LeastSquaresLoss();
            case "hinge" -> new HingeLoss();
            case "wgan-gp" -> new WassersteinGpLoss();
            default -> throw new IllegalArgumentException("unvalidated loss " + train.loss());
        };
    }
}
