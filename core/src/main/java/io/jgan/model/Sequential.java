package io.jgan.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** Blocks run one after another, each on the previous one's output. */
public final class Sequential extends Block {

    private final List<Block> blocks = new ArrayList<>();

    /**
     * Appends a block.
     *
     * @param block the next block
     * @return this
     */
    public Sequential add(Block block) {
        blocks.add(addChild(block));
        return this;
    }

    @Override
    protected String kind() {
        return "SequentialBlock";
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        Tensor y = x;
        for (Block b : blocks) {
            y = b.forward(y, training);
        }
        return y;
    }
}
