package io.jgan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * DCGAN's up-sampling layer, ConvTranspose2d(kernel 4, stride 2, padding 1, no bias):
 * (N, Cin, H, W) to (N, Cout, 2H, 2W), computed by phases so that no zero is multiplied.
 *
 * <p>DJL's PyTorch engine has no deconvolution. The textbook identity (insert a zero between
 * pixels, then a stride-1 convolution with padding 2) multiplies three zeros for every input
 * tap: 4x the work. Each output pixel (2m + a, 2n + b) only ever meets the kernel taps of one
 * phase (a, b): rows {a, a + 2} and columns {b, b + 2} of the zero-inserted convolution's kernel
 * W (Cout, Cin, 4, 4). So one stride-1 2x2 convolution with padding 1 and 4 Cout output maps,
 * kernel (4 Cout, Cin, 2, 2) = the four phases' W[:, :, a::2, b::2] stacked, gives
 * (N, 4 Cout, H + 1, W + 1); phase (a, b) is its slice [a, a + H) x [b, b + W), and interleaving
 * the four phases gives the output. Multiply-adds: (H + 1)(W + 1) / HW of the transposed
 * convolution's (1.31x at 7x7, 1.15x at 14x14) instead of 4x.
 *
 * <p>The learned weight keeps the zero-insertion layout W (Cout, Cin, 4, 4), with the transposed
 * kernel T[i][o][p][q] = W[o][i][3 - p][3 - q], so the maths and the checkpoints are those of the
 * earlier implementation (whose tensor name {@link #formerName} maps). {@code DcganTest} checks
 * the forward pass and both gradients against the transposed-convolution sum written out.
 */
public final class Upsample2x extends AbstractBlock {

    private final int filters;
    private final Parameter weight;

    /**
     * @param filters Cout
     */
    public Upsample2x(int filters) {
        this.filters = filters;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    /**
     * The name this layer's weight had in checkpoints of jgan's earlier zero-insertion layer (a
     * sequential block of the zero insertion and a Conv2d): same shape, same values, so those
     * checkpoints load as they are.
     *
     * @param current a parameter name, e.g. {@code 05Upsample2x_weight}
     * @return its former name, e.g. {@code 05SequentialBlock_02Conv2d_weight}; other names unchanged
     */
    public static String formerName(String current) {
        return current.replaceFirst("^(\\d\\d)Upsample2x_weight$", "$1SequentialBlock_02Conv2d_weight");
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(filters, inputShapes[0].get(1), 4, 4));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), filters, 2 * s.get(2), 2 * s.get(3))};
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (N, Cin, H, W)
        NDArray w = store.getValue(weight, x.getDevice(), training); // (Cout, Cin, 4, 4)
        long n = x.getShape().get(0);
        long h = x.getShape().get(2);
        long wd = x.getShape().get(3);
        NDList phases = new NDList(4);
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                NDArray phase = w.get(new NDIndex(":, :, {}::2, {}::2", a, b)); // (Cout, Cin, 2, 2)
                // a slice of the weight lands in the weight's long-lived manager: hand it to the
                // step's (the input's), or every step's slices stay until the run ends
                phase.attach(x.getManager());
                phases.add(phase);
            }
        }
        NDArray kernel = NDArrays.concat(phases, 0); // (4 Cout, Cin, 2, 2), phase-major
        NDArray y = Conv2d.conv2d(x, kernel, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow(); // (N, 4 Cout, H+1, W+1)
        // Phase (a, b) is y's channel group 2a + b cropped to rows [a, a + H), columns [b, b + W).
        // split + negative padding rather than get(...): a slice's gradient is a zero tensor of
        // y's whole size with the slice copied in, four of them summed; split's gradient is one
        // concatenation and a crop's gradient is the crop padded back (measured: 37 -> 33 ms for
        // the 7x7 -> 14x14 layer's forward and backward at batch 128).
        NDList groups = y.split(4, 1); // 4 x (N, Cout, H+1, W+1), phase-major
        NDList rows = new NDList(2);
        for (int a = 0; a < 2; a++) {
            NDList cols = new NDList(2);
            for (int b = 0; b < 2; b++) {
                // pad takes (left, right, top, bottom) of the last two axes; negative crops
                cols.add(groups.get(2 * a + b).pad(new Shape(-b, b - 1, -a, a - 1), 0)); // (N, Cout, H, W)
            }
            rows.add(NDArrays.stack(cols, 4)); // (N, Cout, H, W, 2): column phase b last
        }
        NDArray out = NDArrays.stack(rows, 3) // (N, Cout, H, 2, W, 2): row phase a after m
                .reshape(n, filters, 2 * h, 2 * wd); // out[2m + a][2k + b] = phase (a, b)[m][k]
        return new NDList(out);
    }
}
