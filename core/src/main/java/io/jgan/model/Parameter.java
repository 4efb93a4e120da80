package io.jgan.model;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import org.bytedeco.pytorch.Tensor;

/**
 * One named tensor of a network: a weight the optimiser updates, or state such as batch norm's
 * running statistics that it does not. The tensor lives as long as its network (it is kept out of
 * every step's scope) and is updated in place, never replaced.
 */
public final class Parameter {

    private final String name;
    private final Tensor tensor;
    private final boolean trainable;

    Parameter(String name, Tensor tensor, boolean trainable) {
        this.name = name;
        this.tensor = tensor;
        this.trainable = trainable;
    }

    /**
     * Makes a parameter: a new float32 tensor filled by {@code init}, owned by no scope.
     *
     * @param name its name within its block, e.g. {@code weight}
     * @param shape its shape
     * @param init how it starts
     * @param trainable whether the optimiser updates it (and gradients flow into it)
     * @return the parameter
     */
    static Parameter create(String name, long[] shape, Init init, boolean trainable) {
        Tensor t = Scope.keep(Torch.empty(shape));
        try (Torch.NoGrad off = Torch.noGrad()) {
            init.fill(t);
        }
        t.set_requires_grad(trainable);
        return new Parameter(name, t, trainable);
    }

    /**
     * Wraps an existing tensor as a trainable parameter (for optimiser users and tests): takes it
     * out of the open scope and turns gradients on.
     *
     * @param name its name
     * @param tensor a float32 leaf tensor
     * @return the parameter
     */
    public static Parameter trainable(String name, Tensor tensor) {
        return new Parameter(name, Scope.keep(tensor).set_requires_grad(true), true);
    }

    Parameter named(String fullName) {
        return new Parameter(fullName, tensor, trainable);
    }

    /**
     * Its stable name, the key in checkpoints, e.g. {@code 01Linear_weight}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The tensor itself (not a copy): updates in place reach the network.
     *
     * @return the tensor
     */
    public Tensor tensor() {
        return tensor;
    }

    /**
     * Whether the optimiser updates it.
     *
     * @return true for weights, false for running statistics
     */
    public boolean trainable() {
        return trainable;
    }

    /** Frees the tensor (its network closes). */
    void close() {
        tensor.close();
    }
}
