package io.jgan.model;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * DCGAN's up-sampling layer, ConvTranspose2d(kernel 4, stride 2, padding 1, no bias):
 * (N, Cin, H, W) to (N, Cout, 2H, 2W).
 *
 * <p>Two ways to the same sum, chosen by what measured faster (forward and backward at batch 128,
 * libtorch 2.10 with oneDNN, 2-core Zen 3): libtorch's {@code conv_transpose2d} for every layer
 * with more than one output map (64x7x7 to 32: 11.8 against 17.9 ms by phases; 128x4x4 to 64:
 * 14.3 against 24.1; 32x16x16 to 3: 8.2 against 14.7), and phases for a one-map output (32x14x14
 * to 1: 5.2 against 7.3 ms), where oneDNN's deconvolution has too little to spread.
 *
 * <p>Phases (written when jgan's first engine, DJL, had no deconvolution): the textbook identity (insert a zero between
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
public final class Upsample2x extends Block {

    private final int filters;
    private Tensor weight;

    /**
     * @param filters Cout
     */
    public Upsample2x(int filters) {
        this.filters = filters;
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
    protected void prepare(long[] inputShape) {
        weight = addParameter("weight", new long[] {filters, inputShape[1], 4, 4}, Init.normal(0, 0.02), true);
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        if (filters > 1) { // T[i][o][p][q] = W[o][i][3 - p][3 - q]: (Cin, Cout, 4, 4)
            return Convolutions.convTranspose2d(x, weight.transpose(0, 1).flip(2, 3), 2, 1);
        }
        long n = x.size(0); // x: (N, Cin, H, W)
        long h = x.size(2);
        long wd = x.size(3);
        TensorVector phases = new TensorVector();
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) { // W[:, :, a::2, b::2]: (Cout, Cin, 2, 2)
                phases.push_back(weight.slice(2, new LongOptional(a), new LongOptional(4), 2)
                        .slice(3, new LongOptional(b), new LongOptional(4), 2));
            }
        }
        Tensor kernel = torch.cat(phases, 0); // (4 Cout, Cin, 2, 2), phase-major
        Tensor y = Convolutions.conv2d(x, kernel, null, 1, 1); // (N, 4 Cout, H+1, W+1)
        // Phase (a, b) is y's channel group 2a + b cropped to rows [a, a + H), columns [b, b + W).
        // chunk + negative padding rather than slicing: a slice's gradient is a zero tensor of
        // y's whole size with the slice copied in, four of them summed; chunk's gradient is one
        // concatenation and a crop's gradient is the crop padded back (measured: 37 -> 33 ms for
        // the 7x7 -> 14x14 layer's forward and backward at batch 128).
        TensorVector groups = y.chunk(4, 1); // 4 x (N, Cout, H+1, W+1), phase-major
        TensorVector rows = new TensorVector();
        for (int a = 0; a < 2; a++) {
            TensorVector cols = new TensorVector();
            for (int b = 0; b < 2; b++) {
                // pad takes (left, right, top, bottom) of the last two axes; negative crops
                cols.push_back(torch.constant_pad_nd(groups.get(2 * a + b), -b, b - 1, -a, a - 1)); // (N, Cout, H, W)
            }
            rows.push_back(torch.stack(cols, 4)); // (N, Cout, H, W, 2): column phase b last
        }
        return torch.stack(rows, 3) // (N, Cout, H, 2, W, 2): row phase a after m
                .reshape(n, filters, 2 * h, 2 * wd); // out[2m + a][2k + b] = phase (a, b)[m][k]
    }
}
