package io.jgan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * DCGAN discriminator's last layer, Conv2d(C, 1, kernel S, stride 1, padding 0, no bias) over
 * an S x S map: (N, C, S, S) to (N, 1, 1, 1) logits, computed as the matrix product it is.
 *
 * <p>A kernel that covers the whole map has exactly one position, so the convolution is
 * sum over (c, i, j) of x[c][i][j] * w[c][i][j]: the flattened map (N, C*S*S) times the
 * flattened kernel (C*S*S, 1), in the same (c, i, j) order. Why not {@code Conv2d}: oneDNN
 * runs a one-output-channel convolution at well under 1 GFLOP/s (measured 4.5-6 ms for the
 * forward and backward of (128, 64, 7, 7) against 1.6-3.3 ms as a product, harness included).
 * The weight keeps the convolution's shape (1, C, S, S), so checkpoints written with the
 * {@code Conv2d} layer (whose tensor name {@link #formerName} maps) load unchanged.
 */
public final class WholeMapConv extends AbstractBlock {

    private final Parameter weight;

    /** A layer whose kernel covers its whole input map; the side is read off the input. */
    public WholeMapConv() {
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    /**
     * The name this layer's weight had when it was a {@code Conv2d} block.
     *
     * @param current a parameter name, e.g. {@code 08WholeMapConv_weight}
     * @return its former name, e.g. {@code 08Conv2d_weight}; other names unchanged
     */
    public static String formerName(String current) {
        return current.replaceFirst("^(\\d\\d)WholeMapConv_weight$", "$1Conv2d_weight");
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        Shape s = inputShapes[0]; // (N, C, S, S)
        weight.setShape(new Shape(1, s.get(1), s.get(2), s.get(3)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), 1, 1, 1)};
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (N, C, S, S)
        NDArray w = store.getValue(weight, x.getDevice(), training); // (1, C, S, S)
        long n = x.getShape().get(0);
        long k = w.size(); // C*S*S
        NDArray kernel = w.reshape(k, 1); // (C*S*S, 1)
        // the reshape lands in the weight's long-lived manager: hand it to the step's (the
        // input's), or every forward pass's view stays until the run ends
        kernel.attach(x.getManager());
        NDArray logits = x.reshape(n, k).matMul(kernel); // (N, 1)
        return new NDList(logits.reshape(n, 1, 1, 1));
    }
}
