package io.jgan.data;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jgan.JganException;
import io.jgan.cli.CliSmokeTest;
import io.jgan.config.DataConfig;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CIFAR-10's binary batches, on files this test writes: records of one label byte and 3x32x32
 * pixels (red plane, green, blue), read in batch order into (N, C, H, W) images, the class names
 * from batches.meta.txt; bad files named; and a colour DCGAN trains on them with one flag.
 */
class CifarReaderTest {

    @TempDir
    Path tmp;

    /** A record whose pixel (channel ch, row r, column c) is (seed + 7 ch + 3 r + c) mod 256. */
    private static byte[] record(int label, int seed) {
        byte[] b = new byte[CifarReader.RECORD];
        b[0] = (byte) label;
        for (int ch = 0; ch < 3; ch++) {
            for (int r = 0; r < 32; r++) {
                for (int c = 0; c < 32; c++) {
                    b[1 + (ch * 32 + r) * 32 + c] = (byte) (seed + 7 * ch + 3 * r + c);
                }
            }
        }
        return b;
    }

    private static void batch(Path file, int... labelsThenSeeds) throws IOException {
        byte[] all = new byte[labelsThenSeeds.length / 2 * CifarReader.RECORD];
        for (int i = 0; i < labelsThenSeeds.length / 2; i++) {
            System.arraycopy(record(labelsThenSeeds[2 * i], labelsThenSeeds[2 * i + 1]), 0, all,
                    i * CifarReader.RECORD, CifarReader.RECORD);
        }
        Files.write(file, all);
    }

    private Path cifar() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cifar-10-batches-bin"));
        batch(dir.resolve("data_batch_2.bin"), 9, 100, 0, 101);
        batch(dir.resolve("data_batch_1.bin"), 3, 10, 5, 11, 1, 12);
        batch(dir.resolve("test_batch.bin"), 4, 200); // CIFAR's held-out set: never trained on
        Files.writeString(dir.resolve("batches.meta.txt"), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\n"
                + "ship\ntruck\n\n");
        return dir;
    }

    @Test
    void recordsBecomeChannelMajorImagesInBatchOrder() throws IOException {
        TrainingData.LabelledImages r = TrainingData.read(DataConfig.images(cifar().toString(), 0, 0, 0));
        ImageSet images = r.images();
        assertThat(images.count()).isEqualTo(5);
        assertThat(images.channels()).isEqualTo(3);
        assertThat(images.rows()).isEqualTo(32);
        assertThat(images.cols()).isEqualTo(32);
        assertThat(r.labels()).containsExactly(3, 5, 1, 9, 0); // batch 1 first, then batch 2
        assertThat(r.classes()).hasSize(10).startsWith("airplane", "automobile").endsWith("truck");
        // image 3 (batch 2's first, seed 100): green plane (ch 1), row 2, column 5 = 100 + 7 + 6 + 5
        int size = images.imageSize();
        assertThat(images.pixels()[3 * size + (32 + 2) * 32 + 5] & 0xff).isEqualTo(118);
        // image 0, blue plane, row 31, column 31: (10 + 14 + 93 + 31) mod 256
        assertThat(images.pixels()[(2 * 32 + 31) * 32 + 31] & 0xff).isEqualTo(148);
        assertThat(r.description()).contains("5 of 5 images of CIFAR-10 in");

        TrainingData.LabelledImages two = TrainingData.read(DataConfig.images(cifar().toString(), 2, 0, 0));
        assertThat(two.images().count()).isEqualTo(2);
        assertThat(two.labels()).containsExactly(3, 5);
    }

    @Test
    void badBatchesAreNamed() throws IOException {
        Path dir = cifar();
        Files.write(dir.resolve("data_batch_3.bin"), new byte[3074 * 2]); // CIFAR-100's 2-label records
        assertThatThrownBy(() -> TrainingData.read(DataConfig.images(dir.toString(), 0, 0, 0)))
                .isInstanceOf(JganException.class).hasMessageContaining("data_batch_3.bin: 6148 bytes is not a whole"
                        + " number of 3,073-byte records");
        Files.delete(dir.resolve("data_batch_3.bin"));
        batch(dir.resolve("data_batch_3.bin"), 12, 0); // label 12 of 10 classes
        assertThatThrownBy(() -> TrainingData.read(DataConfig.images(dir.toString(), 0, 0, 0)))
                .isInstanceOf(JganException.class).hasMessageContaining("has label 12 but there are 10 classes");
        assertThatThrownBy(() -> TrainingData.read(DataConfig.images(dir.toString(), 0, 64, 0)))
                .isInstanceOf(JganException.class).hasMessageContaining("CIFAR-10's images are 32x32 RGB");
    }

    @Test
    void aColourDcganTrainsOnCifarWithOneFlag() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("c10"));
        int[] spec = new int[2 * 40];
        for (int i = 0; i < 40; i++) {
            spec[2 * i] = i % 10;
            spec[2 * i + 1] = 17 * i;
        }
        batch(dir.resolve("data_batch_1.bin"), spec);
        Path run = tmp.resolve("run");
        CliSmokeTest.Run r = jgan("train", "--model", "dcgan", "--conditional", "--data", dir.toString(), "--batch-size",
                "8", "--max-steps", "2", "--no-progress", "--no-tensorboard", "--out", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("40 of 40 images of CIFAR-10 in");
        try (Sampler g = Sampler.load(run)) {
            assertThat(g.model().channels()).isEqualTo(3);
            assertThat(g.model().height()).isEqualTo(32);
            assertThat(g.model().classes()).isEqualTo(10);
            assertThat(g.sample(4, 0)).hasSize(4 * 3 * 32 * 32);
        }
        assertThat(List.of(run.resolve("grids").toFile().list())).isNotEmpty();

        // colour samples leave as one PNG each, named by index and class
        Path out = tmp.resolve("samples");
        CliSmokeTest.Run s = jgan("sample", "--checkpoint", run.toString(), "--n", "12", "--format", "dir", "--out",
                out.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(out.resolve("000000-class-0.png")).exists();
        assertThat(out.resolve("000011-class-1.png")).exists(); // classes in turn
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve("000003-class-3.png").toFile());
        assertThat(png.getWidth()).isEqualTo(32);
        assertThat(png.getColorModel().getNumColorComponents()).isEqualTo(3);
        Path sevens = tmp.resolve("sevens");
        assertThat(jgan("sample", "--checkpoint", run.toString(), "--n", "2", "--label", "7", "--format", "dir", "--out",
                sevens.toString()).exitCode()).isZero();
        assertThat(List.of(sevens.toFile().list())).containsExactlyInAnyOrder("000000-class-7.png",
                "000001-class-7.png");
        // and as colour IDX: rank 4, (N, C, H, W), the same bytes as the PNG files hold
        Path idx = tmp.resolve("colour-idx.gz");
        assertThat(jgan("sample", "--checkpoint", run.toString(), "--n", "12", "--format", "idx", "--out",
                idx.toString()).exitCode()).isZero();
        ImageSet back = IdxReader.readImages(idx);
        assertThat(back.count()).isEqualTo(12);
        assertThat(back.channels()).isEqualTo(3);
        ImageSet pngs = ImageFolderReader.read(out, 0, 3, 0).images();
        assertThat(back.pixels()).isEqualTo(pngs.pixels());
    }
}
