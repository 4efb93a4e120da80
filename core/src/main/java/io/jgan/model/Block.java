package io.jgan.model;

import io.jgan.engine.Torch;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A piece of a network: a function of one tensor with named parameters and named children.
 *
 * <p>Parameters are made on the first forward pass, when the input's shape is known ({@link
 * #prepare}); {@link Network} runs that pass once when it is built, so the draw order of the
 * initial weights is the order the blocks are met. Names follow the layout jgan's checkpoints have
 * always used: a child is {@code NN<kind>} with NN its place among its parent's children from 01,
 * a parameter's full name is the path of children joined by {@code _}, e.g.
 * {@code 05SequentialBlock_02Conv2d_weight}.
 */
public abstract class Block {

    private record Child(String key, Block block) {}

    private final List<Child> children = new ArrayList<>();
    private final List<Parameter> own = new ArrayList<>();
    private boolean prepared;

    /**
     * The kind that names this block among its parent's children, e.g. {@code Linear}.
     *
     * @return the kind
     */
    protected String kind() {
        return getClass().getSimpleName();
    }

    /**
     * Adds a child under the next number, named by its kind.
     *
     * @param <B> the child's type
     * @param block the child
     * @return {@code block}
     */
    protected final <B extends Block> B addChild(B block) {
        return addChild(block.kind(), block);
    }

    /**
     * Adds a child under the next number and a given name.
     *
     * @param <B> the child's type
     * @param name e.g. {@code encoder0}
     * @param block the child
     * @return {@code block}
     */
    protected final <B extends Block> B addChild(String name, B block) {
        children.add(new Child(String.format("%02d%s", children.size() + 1, name), block));
        return block;
    }

    /**
     * Makes one of this block's own parameters (from {@link #prepare}).
     *
     * @param name its name within the block
     * @param shape its shape
     * @param init how it starts
     * @param trainable whether the optimiser updates it
     * @return its tensor
     */
    protected final Tensor addParameter(String name, long[] shape, Init init, boolean trainable) {
        Parameter p = Parameter.create(name, shape, init, trainable);
        own.add(p);
        return p.tensor();
    }

    /**
     * Runs the block, making its parameters first if this is its first call.
     *
     * @param x the input
     * @param training true for dropout and batch statistics
     * @return the output
     */
    public final Tensor forward(Tensor x, boolean training) {
        if (!prepared) {
            prepare(Torch.shape(x));
            prepared = true;
        }
        return forwardInternal(x, training);
    }

    /**
     * Makes this block's own parameters for an input shape (children make theirs when first run).
     *
     * @param inputShape the shape of the first input
     */
    protected void prepare(long[] inputShape) {}

    /**
     * The block's function.
     *
     * @param x the input
     * @param training true for dropout and batch statistics
     * @return the output
     */
    protected abstract Tensor forwardInternal(Tensor x, boolean training);

    /**
     * Runs an action on this block and every block under it, depth first.
     *
     * @param action the action
     */
    final void visit(java.util.function.Consumer<Block> action) {
        action.accept(this);
        for (Child c : children) {
            c.block().visit(action);
        }
    }

    /**
     * Appends every parameter of this block and its children, in order, under full names.
     *
     * @param prefix the path so far, e.g. {@code 05SequentialBlock_}; empty at the root
     * @param out where they go
     */
    final void collect(String prefix, List<Parameter> out) {
        for (Parameter p : own) {
            out.add(p.named(prefix + p.name()));
        }
        for (Child c : children) {
            c.block().collect(prefix + c.key() + "_", out);
        }
    }
}
