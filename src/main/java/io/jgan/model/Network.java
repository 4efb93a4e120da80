package io.jgan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.jgan.engine.HostTensors;
import io.jgan.format.NamedTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One network of the pair (generator or discriminator): a DJL block, the manager that owns its
 * parameters, and a parameter store for forward passes.
 *
 * <p>Its parameters live as long as this object; per-step arrays belong to the caller's
 * sub-manager (they attach to their input's manager).
 */
public final class Network implements AutoCloseable {

    private final String name;
    private final Block block;
    private final NDManager manager;
    private final ParameterStore store;
    private final List<Pair<String, Parameter>> parameters;
    private final List<Parameter> trainable;

    /**
     * Initialises a block's parameters in a new sub-manager of {@code parent}.
     *
     * <p>Initialisation draws from the engine's random generator: seed it first.
     *
     * @param name {@code generator} or {@code discriminator}
     * @param block the architecture
     * @param parent the manager whose child will own the parameters
     * @param inputDim size of one input vector
     */
    public Network(String name, Block block, NDManager parent, int inputDim) {
        this.name = name;
        this.block = block;
        this.manager = parent.newSubManager();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, inputDim));
        this.store = new ParameterStore(manager, false);
        List<Pair<String, Parameter>> all = new ArrayList<>();
        List<Parameter> grads = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            all.add(p);
            if (p.getValue().requiresGradient()) {
                grads.add(p.getValue());
            }
        }
        this.parameters = Collections.unmodifiableList(all);
        this.trainable = Collections.unmodifiableList(grads);
    }

    /**
     * Runs the network on a batch.
     *
     * @param input (N, inputDim)
     * @param training true for dropout and batch-norm batch statistics
     * @return the output, attached to the input's manager
     */
    public NDArray forward(NDArray input, boolean training) {
        return block.forward(store, new NDList(input), training).singletonOrThrow();
    }

    /**
     * Stops (or restarts) gradients flowing into this network's weights.
     *
     * <p>Freezing D during the G half-step keeps G's backward pass from writing into D's
     * gradients, and skips D's weight-gradient matrix products.
     *
     * @param frozen true to freeze
     */
    public void freeze(boolean frozen) {
        for (Parameter p : trainable) {
            p.getArray().setRequiresGradient(!frozen);
        }
    }

    /**
     * Writes saved tensors into this network's parameters, checking names and shapes one by one.
     *
     * @param tensors every parameter of the network by its stable name
     * @throws IllegalArgumentException naming the first tensor that is missing, extra or misshapen
     */
    public void copyFrom(List<NamedTensor> tensors) {
        Map<String, NamedTensor> byName = new HashMap<>();
        for (NamedTensor t : tensors) {
            byName.put(t.name(), t);
        }
        if (byName.size() != parameters.size()) {
            throw new IllegalArgumentException(name + " has " + parameters.size() + " tensors but " + byName.size()
                    + " were given");
        }
        for (Pair<String, Parameter> p : parameters) {
            NamedTensor t = byName.getOrDefault(p.getKey(), byName.get(Dcgan.formerName(p.getKey())));
            NDArray a = p.getValue().getArray();
            if (t == null) {
                throw new IllegalArgumentException(name + " tensor " + p.getKey() + " is missing");
            }
            if (!Arrays.equals(t.shape(), a.getShape().getShape())) {
                throw new IllegalArgumentException(name + " tensor " + p.getKey() + " has shape "
                        + Arrays.toString(t.shape()) + ", the model expects " + a.getShape());
            }
            HostTensors.copyInto(a, t.data()); // into the engine's memory, not a swapped-in Java buffer
        }
    }

    /**
     * Returns every parameter by its stable name, including batch-norm running statistics.
     *
     * @return (name, parameter) pairs in the block's order
     */
    public List<Pair<String, Parameter>> namedParameters() {
        return parameters;
    }

    /**
     * Copies every parameter out of the engine, under its stable name.
     *
     * @return the tensors, in the block's order
     */
    public List<NamedTensor> toTensors() {
        List<NamedTensor> out = new ArrayList<>();
        for (Pair<String, Parameter> p : parameters) {
            NDArray a = p.getValue().getArray();
            out.add(new NamedTensor(p.getKey(), a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }

    /**
     * Runs one part of this network's block (e.g. a feature extractor inside it) on a batch,
     * with this network's parameters.
     *
     * @param part a block contained in this network's block
     * @param input its input
     * @param training true for dropout and batch-norm batch statistics
     * @return the part's output
     */
    public NDArray forward(Block part, NDArray input, boolean training) {
        return part.forward(store, new NDList(input), training).singletonOrThrow();
    }

    /**
     * Returns the parameters the optimiser updates.
     *
     * @return the trainable parameters in the block's order
     */
    public List<Parameter> trainableParameters() {
        return trainable;
    }

    /**
     * Returns the number of trainable scalars.
     *
     * @return the parameter count
     */
    public long parameterCount() {
        return trainable.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /**
     * Returns this network's name.
     *
     * @return {@code generator} or {@code discriminator}
     */
    public String name() {
        return name;
    }

    /**
     * Returns the manager owning the parameters.
     *
     * @return the manager
     */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
