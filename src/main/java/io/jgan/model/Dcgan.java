package io.jgan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

/**
 * DCGAN (Radford et al. 2016) for square images of side 28, 32 or 64: a generator of transposed
 * convolutions with batch norm and ReLU, a discriminator of strided convolutions with LeakyReLU
 * 0.2 and batch norm (not on its first layer), no pooling, no fully connected hidden layers, and
 * the paper's initialisation: weights from N(0, 0.02), batch-norm scales from N(1, 0.02).
 *
 * <p>The networks keep jgan's flat interface: G maps (N, latent) to (N, C*S*S), D maps
 * (N, C*S*S) to (N, 1) logits; the reshapes happen inside.
 *
 * <p>Widths are {@code G_WIDTH} / {@code D_WIDTH} feature maps at the finest convolutional
 * layer, doubling towards the 4x4 (7x7 for 28) end, half of the paper's 128/64 so that a
 * 2-core CPU trains it in minutes.
 */
public final class Dcgan {

    /** Generator feature maps in its last hidden layer. */
    static final int G_WIDTH = 32;
    /** Discriminator feature maps in its first layer. */
    static final int D_WIDTH = 32;

    private Dcgan() {}

    /**
     * The generator.
     *
     * @param latentDim z size
     * @param channels 1 or 3
     * @param side 28, 32 or 64
     * @return the block
     */
    public static Block generator(int latentDim, int channels, int side) {
        int ups = upsamplings(side); // stride-2 layers after the first
        int start = side == 28 ? 7 : 4; // side of the first feature map
        int width = G_WIDTH << (ups - 1);
        // A transposed convolution from a 1x1 input is exactly a linear map: z to start x start maps
        Linear project = Linear.builder().setUnits((long) width * start * start).optBias(false).build();
        project.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        SequentialBlock g = new SequentialBlock()
                .add(project) // (N, width*start*start)
                .add(reshape(width, start, start)) // (N, width, start, start)
                .add(batchNorm())
                .add(Activation.reluBlock());
        for (int i = 1; i < ups; i++) {
            width /= 2;
            g.add(upconv(width)) // side doubles: (N, width, 2s, 2s)
                    .add(batchNorm())
                    .add(Activation.reluBlock());
        }
        return g.add(upconv(channels)) // (N, C, side, side)
                .add(Activation.tanhBlock()) // pixels in [-1, 1]
                .add(Blocks.batchFlattenBlock()); // (N, C*side*side)
    }

    /**
     * The discriminator.
     *
     * @param channels 1 or 3
     * @param side 28, 32 or 64
     * @param classes 0, or the number of classes of a conditional D: its input then ends in a
     *     one-hot code, which becomes K constant feature maps beside the image's channels
     * @return the block, returning logits (N, 1)
     */
    public static Block discriminator(int channels, int side, int classes) {
        int downs = upsamplings(side);
        int end = side == 28 ? 7 : 4;
        int width = D_WIDTH;
        SequentialBlock d = new SequentialBlock()
                .add(classes == 0 ? reshape(channels, side, side) // (N, C, side, side)
                        : withLabelMaps(channels, side, classes)) // (N, C + K, side, side)
                .add(conv(width, 4, 2, 1)) // (N, width, side/2, side/2)
                .add(Activation.leakyReluBlock(0.2f));
        for (int i = 1; i < downs; i++) {
            width *= 2;
            d.add(conv(width, 4, 2, 1)) // side halves, width doubles
                    .add(batchNorm())
                    .add(Activation.leakyReluBlock(0.2f));
        }
        return d.add(new WholeMapConv()) // (N, 1, 1, 1): one logit over the whole end x end map
                .add(Blocks.batchFlattenBlock()); // (N, 1)
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

    /** (N, C*S*S + K) to (N, C + K, S, S): the image, then each class bit as a constant map. */
    private static Block withLabelMaps(int c, int side, int k) {
        long pixels = (long) c * side * side;
        return new LambdaBlock(in -> {
            NDArray x = in.singletonOrThrow();
            NDArray image = x.get(new NDIndex(":, :{}", pixels)).reshape(new Shape(-1, c, side, side));
            NDArray code = x.get(new NDIndex(":, {}:", pixels)).reshape(new Shape(-1, k, 1, 1))
                    .broadcast(new Shape(image.getShape().get(0), k, side, side));
            return new NDList(NDArrays.concat(new NDList(image, code), 1));
        });
    }

    private static Block reshape(long c, long h, long w) {
        return new LambdaBlock(x -> new NDList(x.singletonOrThrow().reshape(new Shape(-1, c, h, w))));
    }

    /**
     * ConvTranspose2d(kernel 4, stride 2, padding 1, no bias): (N, C, H, W) to (N, filters, 2H, 2W),
     * by phases (see {@link Upsample2x}).
     */
    static Block upconv(int filters) {
        return new Upsample2x(filters);
    }

    static Block conv(int filters, int kernel, int stride, int pad) {
        Block b = Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).optBias(false).build();
        b.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        return b;
    }

    /** BatchNorm2d (eps 1e-5, PyTorch momentum 0.1), scale from N(1, 0.02), shift 0. */
    static Block batchNorm() {
        Block b = BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
        Initializer nearOne = (manager, shape, type) -> manager.randomNormal(1f, 0.02f, shape, type);
        b.setInitializer(nearOne, Parameter.Type.GAMMA);
        b.setInitializer(Initializer.ZEROS, Parameter.Type.BETA);
        return b;
    }
}
