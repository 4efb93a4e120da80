package io.jgan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * pix2pix's generator (Isola et al. 2017): a U-Net, an encoder of stride-2 convolutions and a
 * decoder of stride-2 up-samplings, where each decoder layer also sees the encoder's maps of the
 * same size (skip connections), so fine detail of the input reaches the output without passing
 * through the bottleneck. Batch norm except on the first encoder layer and the output;
 * LeakyReLU 0.2 in the encoder, ReLU in the decoder; dropout 0.5 in the innermost decoder
 * layers, kept at sampling time too: it is the noise of this GAN (the paper's z).
 *
 * <p>Flat interface as the other families: (N, C*S*S) in, (N, C*S*S) out, pixels in [-1, 1].
 * Sides 28 (28, 14, 7), 32 and 64 (down to 4x4), as {@link Dcgan}.
 */
public final class UNet extends AbstractBlock {

    /** Feature maps of the first encoder layer; doubling inwards, at most {@link #MAX_WIDTH}. */
    static final int WIDTH = 32;
    static final int MAX_WIDTH = 128;

    private final int channels;
    private final int side;
    private final List<Block> encoders = new ArrayList<>();
    private final List<Block> decoders = new ArrayList<>();
    private final List<InvertedDropout> dropouts = new ArrayList<>();
    private final Block out;

    /**
     * @param channels image channels, in and out
     * @param side 28, 32 or 64
     */
    public UNet(int channels, int side) {
        this.channels = channels;
        this.side = side;
        int depth = Dcgan.upsamplings(side); // stride-2 layers: 28 -> 14 -> 7, 32 -> ... -> 4
        int[] widths = new int[depth];
        for (int i = 0; i < depth; i++) {
            widths[i] = Math.min(MAX_WIDTH, WIDTH << i);
        }
        for (int i = 0; i < depth; i++) {
            SequentialBlock e = new SequentialBlock().add(conv(widths[i]));
            if (i > 0) {
                e.add(batchNorm());
            }
            encoders.add(addChildBlock("encoder" + i, e.add(Activation.leakyReluBlock(0.2f))));
        }
        // decoder i takes the maps of depth - i (the innermost first), doubles their side, and
        // outputs the width of encoder depth - 2 - i; its output is joined to that encoder's maps
        for (int i = 0; i < depth - 1; i++) {
            int width = widths[depth - 2 - i];
            decoders.add(addChildBlock("decoder" + i, new SequentialBlock().add(new Upsample2x(width)).add(batchNorm())
                    .add(Activation.reluBlock())));
            dropouts.add(new InvertedDropout(i < 2 ? 0.5f : 0f));
        }
        out = addChildBlock("out", new SequentialBlock().add(new Upsample2x(channels)).add(Activation.tanhBlock()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        Shape s = new Shape(n, channels, side, side);
        List<Shape> skips = new ArrayList<>();
        for (Block e : encoders) {
            e.initialize(manager, dataType, s);
            s = e.getOutputShapes(new Shape[] {s})[0];
            skips.add(s);
        }
        for (int i = 0; i < decoders.size(); i++) {
            Block d = decoders.get(i);
            d.initialize(manager, dataType, s);
            Shape up = d.getOutputShapes(new Shape[] {s})[0];
            Shape skip = skips.get(skips.size() - 2 - i);
            s = new Shape(n, up.get(1) + skip.get(1), up.get(2), up.get(3)); // joined to the encoder's maps
        }
        out.initialize(manager, dataType, s);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow().reshape(-1, channels, side, side); // (N, C, S, S)
        List<NDArray> skips = new ArrayList<>();
        for (Block e : encoders) {
            x = e.forward(store, new NDList(x), training).singletonOrThrow(); // side halves
            skips.add(x);
        }
        for (int i = 0; i < decoders.size(); i++) {
            NDArray up = decoders.get(i).forward(store, new NDList(x), training).singletonOrThrow(); // side doubles
            up = dropouts.get(i).forward(store, new NDList(up), true).singletonOrThrow(); // noise, also when sampling
            x = NDArrays.concat(new NDList(up, skips.get(skips.size() - 2 - i)), 1); // the skip connection
        }
        NDArray y = out.forward(store, new NDList(x), training).singletonOrThrow(); // (N, C, S, S) in [-1, 1]
        return new NDList(y.reshape(y.getShape().get(0), -1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), (long) channels * side * side)};
    }

    /**
     * pix2pix's discriminator, PatchGAN: it sees the image and its condition as stacked channels,
     * (N, 2C, S, S), and returns one logit per patch, (N, P*P), each judging a receptive field
     * of the image rather than the whole (the paper's 70x70 patches, scaled to these sides).
     *
     * @param channels image channels
     * @param side 28, 32 or 64
     * @return the block: (N, 2*C*S*S) (image, then condition, flattened) to (N, P*P) logits
     */
    public static Block patchDiscriminator(int channels, int side) {
        int downs = Math.max(2, Dcgan.upsamplings(side) - 1); // 28: 7x7 patches, 32: 8x8, 64: 8x8
        SequentialBlock d = new SequentialBlock()
                .add(new ai.djl.nn.LambdaBlock(in -> new NDList(in.singletonOrThrow().reshape(-1, 2 * channels, side, side))))
                .add(conv(WIDTH)).add(Activation.leakyReluBlock(0.2f));
        int width = WIDTH;
        for (int i = 1; i < downs; i++) {
            width = Math.min(MAX_WIDTH, width * 2);
            d.add(conv(width)).add(batchNorm()).add(Activation.leakyReluBlock(0.2f));
        }
        Block logits = Conv2d.builder().setFilters(1).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build();
        logits.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        return d.add(logits) // (N, 1, P, P)
                .add(ai.djl.nn.Blocks.batchFlattenBlock()); // (N, P*P)
    }

    /** Conv2d(kernel 4, stride 2, padding 1, no bias), N(0, 0.02): side halves. */
    private static Block conv(int filters) {
        return Dcgan.conv(filters, 4, 2, 1);
    }

    /** As DCGAN's: eps 1e-5, PyTorch momentum 0.1, scale from N(1, 0.02), shift 0. */
    private static Block batchNorm() {
        return Dcgan.batchNorm();
    }
}
