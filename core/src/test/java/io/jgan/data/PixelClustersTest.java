package io.jgan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import org.junit.jupiter.api.Test;

/** k-means on pixels for the self-conditioned GAN: it finds planted groups, in a fixed order, the same every time. */
class PixelClustersTest {

    /**
     * 4x4 gray images of three shapes, each pixel a little noisy: a left bar (60 images), a top
     * bar (30) and a dot in the middle (10), interleaved. k-means with k = 3 must give each shape
     * its own cluster, numbered by size.
     */
    private static ImageSet planted() {
        int n = 100;
        byte[] px = new byte[n * 16];
        java.util.Random r = new java.util.Random(5);
        int[] shape = new int[n];
        for (int i = 0; i < n; i++) {
            shape[i] = i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2; // 60 : 30 : 10
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    boolean on = switch (shape[i]) {
                        case 0 -> x == 0;
                        case 1 -> y == 0;
                        default -> (x == 1 || x == 2) && (y == 1 || y == 2);
                    };
                    px[i * 16 + y * 4 + x] = (byte) ((on ? 220 : 20) + r.nextInt(20));
                }
            }
        }
        return new ImageSet(n, 1, 4, 4, px);
    }

    @Test
    void findsPlantedShapesLargestFirst() {
        PixelClusters.Result c = PixelClusters.of(planted(), 3);
        assertThat(c.sizes()).containsExactly(60, 30, 10);
        assertThat(c.shares()).containsExactly(0.6, 0.3, 0.1);
        for (int i = 0; i < 100; i++) {
            int expected = i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2;
            assertThat(c.labels()[i]).as("image %d", i).isEqualTo((byte) expected);
        }
    }

    @Test
    void sameClustersEveryTime() {
        ImageSet digits = TrainingData.read(DataConfig.embedded(2000)).images();
        PixelClusters.Result a = PixelClusters.of(digits, 12);
        PixelClusters.Result b = PixelClusters.of(digits, 12);
        assertThat(a.labels()).isEqualTo(b.labels());
        assertThat(a.sizes()).isSortedAccordingTo((p, q) -> Integer.compare(q, p));
        assertThat(java.util.Arrays.stream(a.sizes()).sum()).isEqualTo(2000);
        assertThat(a.sizes()[11]).as("no cluster left empty").isPositive();
    }

    /** 28x28 is clustered as it is; a 66x66 RGB image is averaged over 3x3 blocks first (22x22 per channel). */
    @Test
    void largeImagesAreAveragedDownFirst() {
        ImageSet digits = TrainingData.read(DataConfig.embedded(2)).images();
        float[] f = PixelClusters.features(digits);
        assertThat(f).hasSize(2 * 784);
        assertThat(f[1 * 784 + 14 * 28 + 14]).isEqualTo((digits.pixels()[784 + 14 * 28 + 14] & 0xff) / 255f);

        int side = 66;
        byte[] px = new byte[3 * side * side];
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < side; r++) {
                for (int q = 0; q < side; q++) {
                    px[(c * side + r) * side + q] = (byte) (c * 100 + (r % 3) * 10 + q % 3); // 3x3 blocks: mean c*100 + 11
                }
            }
        }
        float[] g = PixelClusters.features(new ImageSet(1, 3, side, side, px));
        assertThat(g).hasSize(3 * 22 * 22);
        assertThat(g[0]).isCloseTo(11 / 255f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(g[2 * 484 + 21 * 22 + 21]).isCloseTo(211 / 255f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void dotProductAsWrittenOut() {
        float[] a = {1, 2, 3, 4, 5, 6, 7};
        float[] b = {0, 7, 1, 2, 3, 4, 5, 6, 7};
        // a . b[2..9) = 1*1 + 2*2 + 3*3 + 4*4 + 5*5 + 6*6 + 7*7 = 140
        assertThat(PixelClusters.dot(a, 0, b, 2, 7)).isEqualTo(140f);
    }

    @Test
    void tooFewImagesIsTheUsersToFix() {
        assertThatThrownBy(() -> PixelClusters.of(planted().limit(5), 3))
                .isInstanceOf(JganException.class).hasMessageContaining("--clusters 3 needs at least 6 images");
    }

    @Test
    void readingWithClustersReplacesTheLabels() {
        TrainingData.LabelledImages read = TrainingData.read(DataConfig.embedded(500).withClusters(5));
        assertThat(read.classes()).containsExactly("cluster 0", "cluster 1", "cluster 2", "cluster 3", "cluster 4");
        assertThat(read.labels()).isEqualTo(PixelClusters.of(read.images(), 5).labels());
        assertThat(read.description()).contains("in 5 k-means clusters");
    }

    @Test
    void autoGivesOneClusterPerHundredImages() {
        DataConfig auto = DataConfig.embedded(0).withClusters(DataConfig.AUTO_CLUSTERS);
        auto.validate();
        assertThat(auto.clustersFor(10_000)).isEqualTo(100);
        assertThat(auto.clustersFor(60_000)).isEqualTo(100);
        assertThat(auto.clustersFor(1_050)).isEqualTo(10);
        assertThat(auto.clustersFor(150)).isEqualTo(2);
        assertThat(DataConfig.embedded(0).withClusters(7).clustersFor(10_000)).isEqualTo(7);
        assertThat(TrainingData.read(DataConfig.embedded(1000).withClusters(DataConfig.AUTO_CLUSTERS)).classes())
                .hasSize(10);
    }

    @Test
    void clusterCountIsChecked() {
        assertThatThrownBy(() -> DataConfig.embedded(0).withClusters(1).validate())
                .isInstanceOf(JganException.class).hasMessageContaining("--clusters must be in 2..100, auto, or 0");
        assertThatThrownBy(() -> DataConfig.gaussian(0, 0.2, 100).withClusters(3).validate())
                .isInstanceOf(JganException.class).hasMessageContaining("the toy's one-number samples");
    }
}
