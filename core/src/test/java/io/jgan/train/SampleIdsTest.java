package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.data.TrainingData;
import io.jgan.model.Family;
import io.jgan.model.LatentNoise;
import io.jgan.sample.Sampler;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sample i is a function of (seed, i) alone: ids split over calls give the pixels of one call bit
 * for bit (what lets Spark partitions reproduce {@code jgan sample}).
 */
class SampleIdsTest {

    @TempDir
    Path dir;

    @Test
    void blockZeroIsTheSeedsOwnSequenceAndLaterBlocksDiffer() {
        // ids 0..63 are Random(seed)'s first 64 x latent normals, as samples always were
        float[] z = LatentNoise.forIds(9, 0, 10, 5);
        assertThat(z).isEqualTo(LatentNoise.gaussian(9, 50));
        // a slice of ids is the same slice of the whole
        float[] all = LatentNoise.forIds(9, 0, 200, 5);
        assertThat(LatentNoise.forIds(9, 61, 70, 5)).isEqualTo(Arrays.copyOfRange(all, 61 * 5, 131 * 5));
        // block 1 is not block 0 again, nor Random(seed)'s continuation
        assertThat(Arrays.copyOfRange(all, 64 * 5, 65 * 5)).isNotEqualTo(Arrays.copyOfRange(all, 0, 5));
        assertThat(Arrays.copyOfRange(all, 64 * 5, 65 * 5))
                .isNotEqualTo(Arrays.copyOfRange(LatentNoise.gaussian(9, 65 * 5), 64 * 5, 65 * 5));
        // classes cycle with the id
        assertThat(LatentNoise.cyclicLabels(68L, 4, 10)).containsExactly(8, 9, 0, 1);
    }

    /**
     * A self-conditioned model's unasked samples take clusters in the shares of the data: id i
     * takes the cluster whose stretch of the cumulative shares (0.5 | 0.8 | 1.0) holds frac(0.618...
     * x i). By hand: 0 -> 0.000 (0), 1 -> 0.618 (1), 2 -> 0.236 (0), 3 -> 0.854 (2), 4 -> 0.472 (0),
     * 5 -> 0.090 (0), 6 -> 0.708 (1), 7 -> 0.326 (0).
     */
    @Test
    void selfConditionedSamplesTakeClustersInTheirShares() {
        ModelConfig m = Family.DCGAN.preset(1).model().withClusterShares(List.of(0.5, 0.3, 0.2));
        assertThat(LatentNoise.unaskedLabels(m, 0, 8)).containsExactly(0, 1, 0, 2, 0, 0, 1, 0);
        int[] y = LatentNoise.unaskedLabels(m, 1000, 5000);
        int[] count = new int[3];
        for (int c : y) {
            count[c]++;
        }
        // any run of ids comes within a few samples of the shares (a low-discrepancy sequence)
        assertThat(count[0]).isBetween(2495, 2505);
        assertThat(count[1]).isBetween(1495, 1505);
        assertThat(count[2]).isBetween(995, 1005);
        // a function of the id alone: split runs agree with the whole
        int[] head = LatentNoise.unaskedLabels(m, 1000, 37);
        int[] tail = LatentNoise.unaskedLabels(m, 1037, 63);
        assertThat(head).containsExactly(Arrays.copyOfRange(y, 0, 37));
        assertThat(tail).containsExactly(Arrays.copyOfRange(y, 37, 100));
        // a model conditioned on the data's classes keeps them in turn
        ModelConfig classes = Family.DCGAN.preset(1).model().shaped(1, 28, 28, 10);
        assertThat(LatentNoise.unaskedLabels(classes, 68, 4)).containsExactly(8, 9, 0, 1);
    }

    @Test
    void idsSplitOverCallsGiveTheSamePixels() throws Exception {
        GanConfig config = DeterminismTest.tiny(5);
        try (Trainer trainer = Trainer.gan(config, TrainingData.load(config.data(), config.model(), 5))) {
            trainer.fit();
            new Checkpointer(dir.resolve("checkpoints"), 0, 2).save(trainer);
        }
        try (Sampler s = Sampler.load(dir)) {
            int dim = s.model().dataDim();
            float[] whole = s.sample(150, 3);
            float[] parts = new float[150 * dim];
            int[][] splits = {{0, 37}, {37, 100}, {137, 13}};
            for (int[] p : splits) {
                System.arraycopy(s.sampleIds(3, p[0], p[1], null), 0, parts, p[0] * dim, p[1] * dim);
            }
            assertThat(parts).isEqualTo(whole);
            // given latent vectors give the sampler's pixels for them
            float[] z = LatentNoise.forIds(3, 0, 150, s.model().latentDim());
            assertThat(s.generate(z, 150)).isEqualTo(whole);
            assertThat(whole).isNotEqualTo(s.sample(150, 4));
        }
    }
}
