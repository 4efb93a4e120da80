package io.jgan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.model.Family;
import org.junit.jupiter.api.Test;

/** jgan bench's FLOP count for DCGAN, against layer sizes worked out by hand. */
class FlopCountTest {

    @Test
    void dcganLayersAsExecuted() {
        // G: Linear 100 -> 64x7x7; phase convolutions 64 -> 4x32 maps, 2x2 kernel, on 8x8; 32 -> 4x1 on 15x15
        assertThat(Family.DCGAN.generatorMacs(dcgan(100, 1, 28, 0), null)).containsExactly(100L * 64 * 49, 64L * 128 * 4 * 64, 32L * 4 * 4 * 225);
        // D: conv 1 -> 32 (k4) to 14x14, 32 -> 64 to 7x7, 64 -> 1 over the whole 7x7 map
        assertThat(Family.DCGAN.discriminatorMacs(dcgan(100, 1, 28, 0), null)).containsExactly(32L * 16 * 196, 32L * 64 * 16 * 49, 64L * 49);
        // conditional: ten label maps beside the image
        assertThat(Family.DCGAN.discriminatorMacs(dcgan(100, 1, 28, 10), null)[0]).isEqualTo(11L * 32 * 16 * 196);
        // 64x64 colour: 4x4 start, four up-samplings 256 -> 128 -> 64 -> 32 -> 3
        assertThat(Family.DCGAN.generatorMacs(dcgan(100, 3, 64, 0), null)).containsExactly(100L * 256 * 16, 256L * 4 * 128 * 4 * 25,
                128L * 4 * 64 * 4 * 81, 64L * 4 * 32 * 4 * 289, 32L * 4 * 3 * 4 * 1089);
    }

    @Test
    void dcganIterationAtBatch128() {
        long[] g = Family.DCGAN.generatorMacs(dcgan(100, 1, 28, 0), null); // 2,525,952 per sample
        long[] d = Family.DCGAN.discriminatorMacs(dcgan(100, 1, 28, 0), null); // 1,709,120 per sample
        // D step: G fwd n, D fwd + weight grads 2n, D input grads 2n except layer 1; G step: G fwd, D fwd,
        // D input grads, G weight grads n, G input grads except into z: 5.955 GFLOP (5.437 if the two
        // up-samplings were transposed convolutions, Cin Cout 16 H W)
        assertThat(Benchmark.gflopPerIteration(g, d, 128, 1)).isCloseTo(5.955190784, within(1e-9));
        long[] transposed = {100L * 64 * 49, 64L * 32 * 16 * 49, 32L * 16 * 196};
        assertThat(Benchmark.gflopPerIteration(transposed, d, 128, 1)).isCloseTo(5.436669952, within(1e-9));
    }

    /** A DCGAN model config: latent size, channels, side, classes. */
    private static ModelConfig dcgan(int latent, int channels, int side, int classes) {
        return new ModelConfig("dcgan", latent, channels, side, side, PixelRange.SYMMETRIC, classes);
    }
}
