package io.jgan.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * Adam with PyTorch's update, owning its moments so that checkpoints can save them (DJL's
 * {@code Model.save} does not).
 *
 * <p>PyTorch (torch.optim.Adam, single-tensor path): {@code m = b1 m + (1-b1) g},
 * {@code v = b2 v + (1-b2) g^2}, {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}.
 * Each step zeroes the gradients it consumed, so nothing leaks into the next step.
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

    /**
     * Applies one update from the gradients accumulated since the last step, then zeroes them.
     *
     * <p>Written as a few in-place tensor operations per parameter (PyTorch's single-tensor Adam,
     * operation for operation) rather than DJL's fused {@code adamUpdate}: on this engine that call
     * took 7-25 ms for D's 1.46M weights, the in-place form about 1 ms.
     */
    public void step() {
        t++;
        double c1 = 1.0 - Math.pow(beta1, t);
        double c2 = 1.0 - Math.pow(beta2, t);
        float stepSize = (float) (learningRate / c1);
        float sqrtC2 = (float) Math.sqrt(c2);
        for (int i = 0; i < mean.length; i++) {
            NDArray w = parameters.get(i).getArray();
            try (NDManager scratch = manager.newSubManager()) {
                // getGradient() wraps the native .grad in a new handle: owned by scratch, storage kept
                NDArray g = w.getGradient();
                g.attach(scratch);
                mean[i].muli(beta1).addi(g.mul(1.0 - beta1)); // m = b1 m + (1 - b1) g
                variance[i].muli(beta2).addi(g.square().muli(1.0 - beta2)); // v = b2 v + (1 - b2) g^2
                NDArray denom = variance[i].sqrt(); // sqrt(v) / sqrt(1 - b2^t) + eps
                denom.attach(scratch);
                denom.divi(sqrtC2).addi(eps);
                // m / denom, divided in place: DJL's allocating div() measured 7x slower than divi()
                NDArray update = mean[i].duplicate();
                update.attach(scratch);
                w.subi(update.divi(denom).muli(stepSize)); // p -= lr / (1 - b1^t) * m / denom
                zeroGradient(w, g);
            }
        }
    }

    /** Zeroes a parameter's gradient in place so the next backward pass starts from nothing. */
    private static void zeroGradient(NDArray w, NDArray g) {
        if (w instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt); // grad.zero_(): also clears NaN, which g * 0 would keep
        } else {
            g.subi(g);
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
