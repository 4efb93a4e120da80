package io.jgan.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * Adam with PyTorch's exact update, owning its moments so that checkpoints can save them
 * (DJL's {@code Model.save} does not).
 *
 * <p>PyTorch: {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}. DJL's native
 * {@code adamUpdate} computes {@code p -= lrc * m / (sqrt(v) + epsc)}; with
 * {@code lrc = lr*sqrt(1-b2^t)/(1-b1^t)} and {@code epsc = eps*sqrt(1-b2^t)} the two are the same
 * expression. One native call per parameter tensor updates m, v and p in place and zeroes the
 * gradient, so nothing leaks into the next step.
 */
public final class Adam implements AutoCloseable {

    private final List<Parameter> parameters;
    private final NDManager manager;
    private final NDArray[] mean;
    private final NDArray[] variance;
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private long t;

    /**
     * Creates the optimiser with zero moments.
     *
     * @param parameters the tensors to update (their arrays must require gradients)
     * @param learningRate lr
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param eps denominator term
     * @param parent manager whose child owns the moments
     */
    public Adam(List<Parameter> parameters, double learningRate, double beta1, double beta2, double eps,
            NDManager parent) {
        this.parameters = parameters;
        this.manager = parent.newSubManager();
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.mean = new NDArray[parameters.size()];
        this.variance = new NDArray[parameters.size()];
        for (int i = 0; i < mean.length; i++) {
            NDArray w = parameters.get(i).getArray();
            mean[i] = manager.zeros(w.getShape(), w.getDataType(), w.getDevice());
            variance[i] = manager.zeros(w.getShape(), w.getDataType(), w.getDevice());
        }
    }

    /** Applies one update from the gradients accumulated since the last step, then zeroes them. */
    public void step() {
        t++;
        double c1 = 1.0 - Math.pow(beta1, t);
        double c2 = 1.0 - Math.pow(beta2, t);
        float lrCorrected = (float) (learningRate * Math.sqrt(c2) / c1);
        float epsCorrected = (float) (eps * Math.sqrt(c2));
        for (int i = 0; i < mean.length; i++) {
            NDArray w = parameters.get(i).getArray();
            // getGradient() wraps the native .grad in a new handle: close it, keep the storage
            try (NDArray g = w.getGradient()) {
                w.getNDArrayInternal().adamUpdate(
                        new NDList(w, g, mean[i], variance[i]), new NDList(w),
                        (float) learningRate, lrCorrected, 0f, 1f, -1f,
                        (float) beta1, (float) beta2, epsCorrected, false, false);
            }
        }
    }

    /**
     * Returns how many steps have been taken (Adam's t).
     *
     * @return the step count
     */
    public long stepCount() {
        return t;
    }

    /**
     * Returns the first moments, one per parameter, in parameter order (live arrays).
     *
     * @return m
     */
    public NDArray[] firstMoments() {
        return mean.clone();
    }

    /**
     * Returns the second moments, one per parameter, in parameter order (live arrays).
     *
     * @return v
     */
    public NDArray[] secondMoments() {
        return variance.clone();
    }

    /**
     * Restores the step count (the moments are restored by writing into the live arrays).
     *
     * @param steps Adam's t
     */
    public void setStepCount(long steps) {
        this.t = steps;
    }

    @Override
    public void close() {
        manager.close();
    }
}
