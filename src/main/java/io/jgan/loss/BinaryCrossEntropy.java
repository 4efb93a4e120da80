package io.jgan.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.jgan.engine.Scalars;

/**
 * Binary cross-entropy computed from logits, in the numerically stable form.
 *
 * <p>For a logit x and target y, {@code -[y log sigmoid(x) + (1-y) log(1 - sigmoid(x))]}
 * equals {@code softplus(x) - x*y}, and libtorch's softplus is {@code log1p(exp(x))} below 20 and
 * {@code x} above: no {@code log(0)} for confident logits, where the probability form overflows
 * to infinity. We do not use DJL's {@code SigmoidBinaryCrossEntropyLoss}: with
 * {@code fromSigmoid=true} it returns the negative BCE (DJL-NOTES.md), and writing the formula
 * here keeps the sign pinned by our own tests.
 */
public final class BinaryCrossEntropy {

    private BinaryCrossEntropy() {}

    /**
     * Mean BCE of logits against one target for the whole batch.
     *
     * @param logits (N, 1)
     * @param target the label for every sample: 1 for real, 0 for fake, 0.9 for smoothed real
     * @return a scalar, the mean over the batch (as {@code nn.BCELoss()})
     */
    public static NDArray withLogits(NDArray logits, float target) {
        NDArray perSample = Activation.softPlus(logits);
        if (target != 0f) {
            perSample = perSample.sub(Scalars.mul(logits, target));
        }
        return perSample.mean();
    }
}
