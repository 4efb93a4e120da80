package io.jgan.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * DCGAN (Radford et al. 2016) for square images of side 28, 32 or 64: a generator of transposed
 * convolutions with batch norm and ReLU, a discriminator of strided convolutions with LeakyReLU
 * 0.2 and batch norm (not on its first layer), no pooling, no fully connected hidden layers, and
 * the paper's initialisation: weights from N(0, 0.02), batch-norm scales from N(1, 0.02).
 *
 * <p>The networks keep jgan's flat interface: G maps (N, latent) to (N, C*S*S), D maps
 * (N, C*S*S) to (N, 1) logits; the reshapes happen inside.
 *
 * <p>Widths are {@code width} feature maps at the finest convolutional layer of each network,
 * doubling towards the 4x4 (7x7 for 28) end: by default {@link #DEFAULT_WIDTH}, a quarter of the
 * paper's 128 for G and half of its 64 for D, so that a 2-core CPU trains it in minutes;
 * {@code --feature-maps N} chooses another, and {@code --d-feature-maps N} another for D alone.
 */
public final class Dcgan {

    /** Feature maps of G's last hidden layer and of D's first layer unless a model says otherwise. */
    public static final int DEFAULT_WIDTH = 32;

    private Dcgan() {}

    /**
     * A model's width: the feature maps of G's last hidden layer and of D's first layer.
     *
     * @param m the model
     * @return its feature maps, or {@link #DEFAULT_WIDTH} when it names none
     */
    public static int width(io.jgan.config.ModelConfig m) {
        return m.gWidth(DEFAULT_WIDTH);
    }

    /**
     * The generator.
     *
     * @param latentDim z size
     * @param channels 1 or 3
     * @param side 28, 32 or 64
     * @param classes 0 for batch norm, or K for conditional batch norm ({@link ConditionalBatchNorm},
     *     inside a {@link ClassConditional})
     * @param finest feature maps of the last hidden layer (doubling towards the first)
     * @return the block
     */
    public static Block generator(int latentDim, int channels, int side, int classes, int finest) {
        int ups = upsamplings(side); // stride-2 layers after the first
        int start = side == 28 ? 7 : 4; // side of the first feature map
        int width = finest << (ups - 1);
        // A transposed convolution from a 1x1 input is exactly a linear map: z to start x start maps
        Linear project = new Linear((long) width * start * start, Init.normal(0, 0.02), null);
        Sequential g = new Sequential()
                .add(project) // (N, width*start*start)
                .add(Lambda.reshapeChannelsLast(width, start, start)) // (N, width, start, start), NHWC
                .add(batchNorm(classes))
                .add(Lambda.relu());
        for (int i = 1; i < ups; i++) {
            width /= 2;
            g.add(upconv(width)) // side doubles: (N, width, 2s, 2s)
                    .add(batchNorm(classes))
                    .add(Lambda.relu());
        }
        return g.add(upconv(channels)) // (N, C, side, side)
                .add(Lambda.tanh()) // pixels in [-1, 1]
                .add(Lambda.flatten()); // (N, C*side*side)
    }

    /**
     * The discriminator.
     *
     * @param channels 1 or 3
     * @param side 28, 32 or 64
     * @param classes 0, or the number of classes of a conditional D: its input then ends in a
     *     one-hot code, which becomes K constant feature maps beside the image's channels
     * @param first feature maps of the first layer (doubling with each halving of the side)
     * @return the block, returning logits (N, 1)
     */
    public static Block discriminator(int channels, int side, int classes, int first) {
        int downs = upsamplings(side);
        int width = first;
        Sequential d = new Sequential()
                .add(classes == 0 ? Lambda.reshapeChannelsLast(channels, side, side) // (N, C, side, side), NHWC
                        : withLabelMaps(channels, side, classes)) // (N, C + K, side, side)
                .add(classes < FOLDED_LABEL_MAPS ? conv(width, 4, 2, 1) // (N, width, side/2, side/2)
                        : conv(width, 4, 2, 1).constantTrailingMaps(classes)) // the same sum, the label maps' part per class
                .add(Lambda.leakyRelu(0.2));
        for (int i = 1; i < downs; i++) {
            width *= 2;
            d.add(conv(width, 4, 2, 1)) // side halves, width doubles
                    .add(batchNorm())
                    .add(Lambda.leakyRelu(0.2));
        }
        return d.add(new WholeMapConv()) // (N, 1, 1, 1): one logit over the whole end x end map
                .add(Lambda.flatten()); // (N, 1)
    }

    /**
     * The class-conditional discriminator with a projection ({@link ProjectionDiscriminator}): the
     * unconditional D's convolutions as phi, its whole-map convolution as psi, and the class as an
     * inner product with phi's maps summed over positions.
     *
     * @param channels 1 or 3
     * @param side 28, 32 or 64
     * @param classes K, at least 2
     * @param first feature maps of phi's first layer
     * @return the block, (N, C*side*side + K) to logits (N, 1)
     */
    public static Block projectionDiscriminator(int channels, int side, int classes, int first) {
        int downs = upsamplings(side);
        int width = first;
        Sequential phi = new Sequential()
                .add(Lambda.reshapeChannelsLast(channels, side, side)) // (N, C, side, side), NHWC
                .add(conv(width, 4, 2, 1))
                .add(Lambda.leakyRelu(0.2));
        for (int i = 1; i < downs; i++) {
            width *= 2;
            phi.add(conv(width, 4, 2, 1)).add(batchNorm()).add(Lambda.leakyRelu(0.2));
        }
        Sequential psi = new Sequential().add(new WholeMapConv()).add(Lambda.flatten()); // (N, 1)
        return new ProjectionDiscriminator((long) channels * side * side, classes, phi, psi, width);
    }

    /**
     * Stride-2 layers for a side: 28 = 7 * 2^2, 32 = 4 * 2^3, 64 = 4 * 2^4.
     *
     * @param side image side
     * @return the count
     */
    static int upsamplings(int side) {
        return switch (side) {
            case 28 -> 2;
            case 32 -> 3;
            case 64 -> 4;
            default -> throw new IllegalArgumentException("DCGAN side must be 28, 32 or 64, got " + side);
        };
    }

    /**
     * The name a DCGAN parameter had in earlier checkpoints, where that differs: the up-sampling
     * layers ({@link Upsample2x#formerName}) and the discriminator's last layer
     * ({@link WholeMapConv#formerName}).
     *
     * @param current a parameter's name now
     * @return its earlier name, or the name itself
     */
    public static String formerName(String current) {
        return WholeMapConv.formerName(Upsample2x.formerName(current));
    }

    /**
     * (N, C*S*S + K) to (N, C + K, S, S), laid out channels last as the unconditional D's input:
     * the image, then each class bit as a constant map.
     */
    static Block withLabelMaps(int c, int side, int k) {
        long pixels = (long) c * side * side;
        return new Lambda(x -> {
            long n = x.size(0);
            Tensor image = x.narrow(1, 0, pixels).reshape(n, c, side, side).permute(0, 2, 3, 1); // (N, S, S, C) view
            Tensor code = x.narrow(1, pixels, k).reshape(n, 1, 1, k).expand(n, side, side, k); // (N, S, S, K) view
            // one copy, joined along the channels of NHWC: (N, S, S, C + K), viewed as (N, C + K, S, S)
            return torch.cat(new TensorVector(image, code), 3).permute(0, 3, 1, 2);
        });
    }

    /**
     * ConvTranspose2d(kernel 4, stride 2, padding 1, no bias): (N, C, H, W) to (N, filters, 2H, 2W),
     * by phases (see {@link Upsample2x}).
     */
    static Block upconv(int filters) {
        return new Upsample2x(filters);
    }

    /**
     * From this many classes on, D's first convolution takes the label maps' part per class
     * ({@link Conv2d#constantTrailingMaps}) instead of convolving K constant maps per image.
     * Measured (`jgan bench --preset best --warmup 20 --iterations 150`, two threads, alternated):
     * 60 clusters 71, 70, 81 ms/iteration against 103, 100, 101; 30 clusters even (69 against 70,
     * 80 against 84); the 10 digits slower (80, 80, 76 against 74, 72, 73).
     */
    static final int FOLDED_LABEL_MAPS = 32;

    static Conv2d conv(int filters, int kernel, int stride, int pad) {
        // not transposedInputGradient(): in the whole DCGAN step it measured slower (Conv2d's comment)
        return new Conv2d(filters, kernel, stride, pad, Init.normal(0, 0.02), null);
    }

    /** BatchNorm2d (eps 1e-5, momentum 0.1), scale from N(1, 0.02), shift 0. */
    static Block batchNorm() {
        return new BatchNorm(Init.normal(1, 0.02));
    }

    /**
     * G's batch norm: the paper's, or a conditional one for K classes whose gains are drawn from
     * N(1, 0.02) as the paper's scales are (all starting at 1, the projection pair's G ignored the
     * class and faded to gray).
     */
    private static Block batchNorm(int classes) {
        return classes == 0 ? batchNorm() : new ConditionalBatchNorm(classes, Init.normal(1, 0.02));
    }
}
