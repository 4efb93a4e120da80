package io.jgan.model;

import io.jgan.engine.HostTensors;
import io.jgan.engine.HostWorkers;
import io.jgan.engine.Torch;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Inverted dropout (Srivastava et al. 2014), as {@code nn.Dropout(p)}: in training each unit is
 * kept with probability 1 - p and scaled by 1 / (1 - p); at inference it is the identity.
 *
 * <p>Why not libtorch's {@code dropout}: it draws its mask with {@code bernoulli_}, which
 * measured 2.6 ms for a (200, 1024) batch on the project's 2-core machine, and even its uniform
 * generator is a serial Mersenne twister (0.9 ms for the same batch). Two ways to the same law:
 * <ul>
 *   <li><b>host</b> (on the CPU, x float32 or, under bf16 autocast, bfloat16): the mask is
 *       float32 (a bfloat16 x times it gives float32, as the engine's law below did) and drawn
 *       in Java, each unit kept when a 32-bit word from SplittableRandom is below
 *       round((1 - p) 2^32), i.e. with probability 1 - p to within 2^-33; the rows are split
 *       over the cores, each part with its own generator seeded from one draw of the engine's
 *       seeded generator, so runs stay repeatable whatever the thread timing (0.2 ms for the
 *       (200, 1024) batch);
 *   <li><b>engine</b> (any other device, e.g. CUDA): {@code floor(U[1-p, 2-p))}, which is 1
 *       exactly when U >= 1, i.e. with probability 1 - p, from the engine's uniform generator.
 * </ul>
 */
public final class InvertedDropout extends Block {

    /** Units per part of the host mask: parts are what the cores share. */
    private static final int PART = 16384;

    private final float rate;

    /**
     * Creates the block.
     *
     * @param rate p, the probability of zeroing a unit, in [0, 1)
     */
    public InvertedDropout(float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    @Override
    protected Tensor forwardInternal(Tensor x, boolean training) {
        if (!training || rate == 0f) { // x: (N, features)
            return x;
        }
        Rows.Shard shard = Rows.covering(x.size(0));
        if (shard != null) { // a rank's rows of a global batch: the global batch's mask, cut to them
            long[] global = Torch.shape(x);
            global[0] = shard.globalRows();
            return x.mul(mask(x, global).index_select(0, shard.index()));
        }
        return x.mul(mask(x, Torch.shape(x)));
    }

    /** A mask of a shape, on x's device: (shape) of 0 or 1 / (1 - p). */
    private Tensor mask(Tensor x, long[] shape) {
        Tensor mask;
        // on the CPU whatever x's dtype: the bf16 MLP drew its masks with the serial generator
        // below: three D passes of (100, 1024 + 512 + 256) units, 21.4-21.8 -> 18.8-19.6 ms/iteration
        if (Torch.onCpu()) {
            // one 62-bit seed from the engine's seeded generator: the mask follows the run's seed
            long seed = torch.randint(0, Long.MAX_VALUE >> 1, new long[] {1}, Torch.longs()).item().toLong();
            // written straight into an uninitialised engine tensor: no Java-side copy of the mask
            mask = Torch.empty(shape);
            fillMask(HostTensors.floatView(mask), rate, seed);
        } else {
            mask = Torch.rand(shape).add_(new Scalar(1.0 - rate)).floor_().mul_(new Scalar(1.0 / (1.0 - rate)));
        }
        return mask;
    }

    /**
     * Draws an inverted-dropout mask on the host into {@code out} (all of it, from index 0).
     *
     * @param out where the mask goes; its capacity is the unit count
     * @param rate p
     * @param seed the mask's seed: part k (units k PART ...) draws from a SplittableRandom seeded
     *     with the k-th long of SplittableRandom(seed)
     */
    static void fillMask(FloatBuffer out, float rate, long seed) {
        int size = out.capacity();
        float scale = 1f / (1f - rate);
        long threshold = Math.round((1.0 - rate) * 4294967296.0); // keep when a 32-bit word < this
        int parts = (size + PART - 1) / PART;
        long[] seeds = new long[parts];
        SplittableRandom root = new SplittableRandom(seed);
        for (int k = 0; k < parts; k++) {
            seeds[k] = root.nextLong();
        }
        HostWorkers.run(parts, k -> {
            SplittableRandom rng = new SplittableRandom(seeds[k]);
            int start = k * PART;
            int len = Math.min(size, start + PART) - start;
            float[] part = new float[len];
            int i = 0;
            for (; i + 1 < len; i += 2) { // two 32-bit words per draw; branch-free (a coin flip mispredicts)
                long bits = rng.nextLong();
                part[i] = scale * (float) (((bits & 0xffffffffL) - threshold) >>> 63);
                part[i + 1] = scale * (float) (((bits >>> 32) - threshold) >>> 63);
            }
            if (i < len) {
                part[i] = scale * (float) (((rng.nextLong() & 0xffffffffL) - threshold) >>> 63);
            }
            out.put(start, part);
        });
    }
}
