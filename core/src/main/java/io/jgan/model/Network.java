package io.jgan.model;

import io.jgan.engine.HostTensors;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.NamedTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * One network of the pair (generator or discriminator): a block and its parameters, made and
 * initialised when the network is built.
 *
 * <p>Its parameters live until {@link #close}; the tensors of a forward pass belong to whatever
 * {@link io.jgan.engine.Scope} is open around it.
 */
public final class Network implements AutoCloseable {

    private final String name;
    private final Block block;
    private final List<Parameter> parameters;
    private final List<Parameter> trainable;

    /**
     * Makes a block's parameters by one forward pass over a zero input (1, inputDim).
     *
     * <p>Initialisation draws from libtorch's generator: seed it first.
     *
     * @param name {@code generator} or {@code discriminator}
     * @param block the architecture
     * @param inputDim size of one input vector
     */
    public Network(String name, Block block, int inputDim) {
        this.name = name;
        this.block = block;
        try (Scope init = Scope.open(); Torch.NoGrad off = Torch.noGrad()) {
            block.forward(Torch.zeros(1, inputDim), false);
        }
        List<Parameter> all = new ArrayList<>();
        block.collect("", all);
        this.parameters = Collections.unmodifiableList(all);
        this.trainable = all.stream().filter(Parameter::trainable).toList();
    }

    /**
     * Runs the network on a batch.
     *
     * @param input (N, inputDim)
     * @param training true for dropout and batch-norm batch statistics
     * @return the output, in the scope open around the call
     */
    public Tensor forward(Tensor input, boolean training) {
        return block.forward(input, training);
    }

    /**
     * Makes every batch-norm layer of this network use the global batch's statistics in training
     * (data parallelism with synchronised batch norm).
     *
     * @param sync the sum over the ranks
     * @return how many layers that is
     */
    public int synchroniseBatchNorm(BatchNorm.Sync sync) {
        int[] n = {0};
        block.visit(b -> {
            if (b instanceof BatchNorm bn) {
                bn.synchronise(sync);
                n[0]++;
            }
        });
        return n[0];
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
            p.tensor().set_requires_grad(!frozen);
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
        for (Parameter p : parameters) {
            NamedTensor t = byName.getOrDefault(p.name(), byName.get(Dcgan.formerName(p.name())));
            if (t == null) {
                throw new IllegalArgumentException(name + " tensor " + p.name() + " is missing");
            }
            long[] shape = Torch.shape(p.tensor());
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(name + " tensor " + p.name() + " has shape "
                        + Arrays.toString(t.shape()) + ", the model expects " + Arrays.toString(shape));
            }
            HostTensors.copyInto(p.tensor(), t.data()); // into the parameter's own storage
        }
    }

    /**
     * Returns every parameter by its stable name, including batch-norm running statistics.
     *
     * @return the parameters in the block's order
     */
    public List<Parameter> namedParameters() {
        return parameters;
    }

    /**
     * Copies every parameter out of the engine, under its stable name.
     *
     * @return the tensors, in the block's order
     */
    public List<NamedTensor> toTensors() {
        List<NamedTensor> out = new ArrayList<>();
        try (Scope copy = Scope.open()) {
            for (Parameter p : parameters) {
                out.add(new NamedTensor(p.name(), Torch.shape(p.tensor()), Torch.floats(p.tensor())));
            }
        }
        return out;
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
        return trainable.stream().mapToLong(p -> p.tensor().numel()).sum();
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
     * Returns the block.
     *
     * @return the architecture
     */
    public Block block() {
        return block;
    }

    @Override
    public void close() {
        for (Parameter p : parameters) {
            p.close();
        }
    }
}
