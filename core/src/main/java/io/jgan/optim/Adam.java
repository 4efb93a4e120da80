package io.jgan.optim;

import io.jgan.model.Parameter;
import java.util.List;

/**
 * Adam with PyTorch's update, owning its moments so that checkpoints can save them.
 *
 * <p>PyTorch (torch.optim.Adam, single-tensor path): {@code m = b1 m + (1-b1) g},
 * {@code v = b2 v + (1-b2) g^2}, {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}.
 * Each step drops the gradients it consumed ({@code zero_grad(set_to_none=True)}, PyTorch's
 * default since 2.0), so nothing leaks into the next step, and the next backward pass stores its
 * gradients where adding them to zeros would read and write every gradient once more.
 *
 * <p>Two implementations of the same arithmetic, in the same order of float operations:
 * {@link HostAdam}, one fused Java pass over float32 CPU parameters (the default there), and
 * {@link EngineAdam}, in-place tensor operations on any device. {@link #create} picks one.
 */
public abstract class Adam implements AutoCloseable {

    /**
     * Adam's hyper-parameters.
     *
     * @param learningRate lr
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param eps denominator term
     */
    public record Settings(double learningRate, double beta1, double beta2, double eps) {}

    /** The parameters updated, in order. */
    protected final List<Parameter> parameters;
    /** The hyper-parameters. */
    protected final Settings settings;
    private long t;
    private double lrFactor = 1.0;

    /**
     * Remembers the parameters and settings.
     *
     * @param parameters the tensors to update (their arrays must require gradients)
     * @param settings the hyper-parameters
     */
    protected Adam(List<Parameter> parameters, Settings settings) {
        this.parameters = parameters;
        this.settings = settings;
    }

    /**
     * Creates the optimiser with zero moments: the host kernel where every parameter is a float32
     * CPU tensor, else the engine path.
     *
     * @param parameters the tensors to update
     * @param settings the hyper-parameters
     * @return the optimiser
     */
    public static Adam create(List<Parameter> parameters, Settings settings) {
        return HostAdam.supports(parameters) ? new HostAdam(parameters, settings)
                : new EngineAdam(parameters, settings);
    }

    /** Applies one update from the gradients accumulated since the last step, then drops them. */
    public final void step() {
        t++;
        double c1 = 1.0 - Math.pow(settings.beta1(), t);
        double c2 = 1.0 - Math.pow(settings.beta2(), t);
        update((float) (settings.learningRate() * lrFactor / c1), (float) Math.sqrt(c2));
    }

    /**
     * Scales the learning rate of the steps that follow (a schedule's factor for the iteration:
     * {@link io.jgan.config.TrainConfig#lrFactor}); the moments are untouched, as PyTorch's
     * schedulers leave them.
     *
     * @param factor the learning rate's multiplier, 1 for the settings' own
     */
    public final void scaleLearningRate(double factor) {
        lrFactor = factor;
    }

    /**
     * One update of every parameter, dropping its gradient.
     *
     * @param stepSize lr / (1 - b1^t)
     * @param sqrtC2 sqrt(1 - b2^t)
     */
    protected abstract void update(float stepSize, float sqrtC2);

    /**
     * Drops parameter i's gradient once its update is done ({@code p.grad = None}, the contract
     * above): both implementations end each parameter's update with it.
     *
     * @param i parameter index
     */
    protected final void dropGradient(int i) {
        parameters.get(i).tensor().mutable_grad().reset();
    }

    /**
     * Returns how many steps have been taken (Adam's t).
     *
     * @return the step count
     */
    public final long stepCount() {
        return t;
    }

    /**
     * Restores the step count (the moments are restored by {@link #setMoments}).
     *
     * @param steps Adam's t
     */
    public final void setStepCount(long steps) {
        this.t = steps;
    }

    /**
     * Copies parameter i's moments out, flattened in the parameter's element order.
     *
     * @param i parameter index, in the order given to the constructor
     * @return {m, v}
     */
    public abstract float[][] moments(int i);

    /**
     * Overwrites parameter i's moments (restoring a checkpoint).
     *
     * @param i parameter index
     * @param m first moment, as many elements as the parameter
     * @param v second moment, likewise
     * @throws IllegalArgumentException if a length does not match the parameter
     */
    public final void setMoments(int i, float[] m, float[] v) {
        long size = parameters.get(i).tensor().numel();
        if (m.length != size || v.length != size) {
            throw new IllegalArgumentException("parameter " + i + " has " + size + " elements, moments of "
                    + m.length + " and " + v.length + " were given");
        }
        writeMoments(i, m, v);
    }

    /**
     * Writes checked moments.
     *
     * @param i parameter index
     * @param m first moment
     * @param v second moment
     */
    protected abstract void writeMoments(int i, float[] m, float[] v);

    @Override
    public void close() {}
}
