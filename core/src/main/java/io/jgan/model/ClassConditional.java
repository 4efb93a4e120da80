package io.jgan.model;

import org.bytedeco.pytorch.Tensor;

/**
 * A class-conditional generator whose class enters through its {@link ConditionalBatchNorm}
 * layers: input (N, latent + K), z then the one-hot class (jgan's conditional layout); the body
 * sees z alone, and the layers inside it read the class from here while it runs.
 */
public final class ClassConditional extends Block {

    private static final ThreadLocal<Tensor> CURRENT = new ThreadLocal<>();

    private final int latent;
    private final int classes;
    private final Block body;

    /**
     * @param latent z's size
     * @param classes K
     * @param body (N, latent) to the output, with conditional batch norm inside
     */
    public ClassConditional(int latent, int classes, Block body) {
        this.latent = latent;
        this.classes = classes;
        this.body = addChild(body);
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        Tensor previous = CURRENT.get();
        CURRENT.set(x.narrow(1, latent, classes)); // (N, K)
        try {
            return body.forward(x.narrow(1, 0, latent), training);
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /**
     * The one-hot classes of the batch now going through a {@link ClassConditional} body.
     *
     * @param rows the batch's rows, checked against the classes'
     * @return (N, K)
     * @throws IllegalStateException outside a conditional body, or for another batch
     */
    static Tensor current(long rows) {
        Tensor y = CURRENT.get();
        if (y == null || y.size(0) != rows) {
            throw new IllegalStateException("conditional batch norm outside a class-conditional generator (or for a"
                    + " batch of another size)");
        }
        return y;
    }
}
