package io.jgan.model;

import org.bytedeco.pytorch.Tensor;

/**
 * A residual block (He et al. 2016): {@code main(x) + shortcut(x)}, the two paths children
 * {@code 01} and {@code 02}.
 */
public final class Residual extends Block {

    private final Block main;
    private final Block shortcut;

    /**
     * @param main the residual path
     * @param shortcut the skip path (a 1x1 convolution where the shape changes)
     */
    public Residual(Block main, Block shortcut) {
        this.main = addChild(main);
        this.shortcut = addChild(shortcut);
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        return main.forward(x, training).add(shortcut.forward(x, training));
    }
}
