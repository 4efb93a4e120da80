package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgan.format.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quality classifier of a user's own colour images ({@code jgan classifier --domain NAME --data
 * DIR}) learns their classes, and {@code jgan eval --classifier} measures a colour generator and
 * colour sample folders with it; the shipped gray classifiers refuse colour with the way out.
 */
class UserClassifierTest {

    @TempDir
    Path tmp;

    private Path data;

    /** 32x32 RGB images in two classes told apart by colour only: reddish and bluish noise. */
    @BeforeEach
    void colourFolders() throws IOException {
        data = tmp.resolve("colours");
        Random rng = new Random(7);
        for (String cls : new String[] {"blue", "red"}) {
            Path dir = Files.createDirectories(data.resolve(cls));
            for (int i = 0; i < 60; i++) {
                BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int strong = 120 + rng.nextInt(136);
                        int weak = rng.nextInt(136);
                        int other = rng.nextInt(256);
                        int r = cls.equals("red") ? strong : weak;
                        int b = cls.equals("red") ? weak : strong;
                        img.setRGB(x, y, (r << 16) | (other << 8) | b);
                    }
                }
                ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
            }
        }
    }

    @Test
    void aClassifierOfTheUsersColourImagesLearnsTheirClassesAndMeasuresAColourGenerator() throws Exception {
        Path cls = tmp.resolve("cls");
        CliSmokeTest.Run c = jgan("classifier", "--domain", "colours", "--data", data.toString(), "--epochs", "20",
                "--out", cls.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        JsonNode info = Json.MAPPER.readTree(cls.resolve("classifier.json").toFile());
        assertThat(info.get("channels").asInt()).isEqualTo(3);
        assertThat(info.get("side").asInt()).isEqualTo(32);
        assertThat(info.get("heldOutCount").asInt()).isEqualTo(12); // a tenth of 120
        assertThat(info.get("classes")).hasSize(2);
        assertThat(info.get("heldOutAccuracy").asDouble()).as(c.out()).isGreaterThanOrEqualTo(0.9);

        Path run = tmp.resolve("run");
        CliSmokeTest.Run t = jgan("train", "--model", "dcgan", "--data", data.toString(), "--batch-size", "16",
                "--max-steps", "2", "--no-progress", "--no-tensorboard", "--out", run.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        Path json = tmp.resolve("eval.json");
        CliSmokeTest.Run e = jgan("eval", "--checkpoint", run.toString(), "--classifier", cls.toString(), "--n", "60",
                "--json", json.toString());
        assertThat(e.exitCode()).as(e.err()).isZero();
        JsonNode report = Json.MAPPER.readTree(json.toFile());
        assertThat(report.at("/protocol/domain").asText()).isEqualTo("colours");
        assertThat(report.get("fcd").asDouble()).isPositive();
        assertThat(report.at("/memorisation/trainingCount").asInt()).isEqualTo(120);

        // the same generator's samples as a folder of colour PNGs measure the same
        Path samples = tmp.resolve("samples");
        assertThat(jgan("sample", "--checkpoint", run.toString(), "--n", "60", "--seed", "0", "--format", "dir",
                "--out", samples.toString()).exitCode()).isZero();
        Path json2 = tmp.resolve("eval2.json");
        CliSmokeTest.Run e2 = jgan("eval", "--samples", samples.toString(), "--classifier", cls.toString(), "--json",
                json2.toString());
        assertThat(e2.exitCode()).as(e2.err()).isZero();
        assertThat(Json.MAPPER.readTree(json2.toFile()).get("fcd").asDouble())
                .isCloseTo(report.get("fcd").asDouble(), org.assertj.core.data.Offset.offset(1e-6));

        // without a classifier of their own the shipped gray ones cannot measure colour
        CliSmokeTest.Run gray = jgan("eval", "--samples", samples.toString());
        assertThat(gray.exitCode()).isEqualTo(2);
        assertThat(gray.err()).contains("the samples are 3x32x32 images, but the mnist classifier reads 1x28x28 ones",
                "jgan classifier --domain NAME --data DIR");
        CliSmokeTest.Run unknown = jgan("eval", "--checkpoint", run.toString(), "--n", "10");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--classifier DIR");

        // time to quality on the user's data, measured with their classifier (a target any sample meets)
        Path ttq = tmp.resolve("ttq.json");
        CliSmokeTest.Run b = jgan("bench", "--model", "dcgan", "--conditional", "--data", data.toString(),
                "--classifier", cls.toString(), "--batch-size", "8", "--to-fcd", "1e9", "--eval-every", "1",
                "--eval-samples", "100", "--iterations", "3", "--json", ttq.toString());
        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.out()).contains("on " + data, "dcgan conditional", "time to FCD < 1000000000.0");
        assertThat(Json.MAPPER.readTree(ttq.toFile()).get("points")).hasSize(1);
        CliSmokeTest.Run noClassifier = jgan("bench", "--model", "dcgan", "--data", data.toString(), "--to-fcd", "10",
                "--iterations", "2");
        assertThat(noClassifier.exitCode()).isEqualTo(2);
        assertThat(noClassifier.err()).contains("jgan has no quality classifier for", "give --classifier CLS");
    }

    @Test
    void badClassifierDataIsNamedAndNothingIsWritten() throws IOException {
        Path out = tmp.resolve("none");
        CliSmokeTest.Run r = jgan("classifier", "--domain", "colours", "--out", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--data is needed for a classifier of your own data");
        r = jgan("classifier", "--domain", "../up", "--data", data.toString(), "--out", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is not a name");
        Path flat = Files.createDirectories(tmp.resolve("flat"));
        Files.copy(data.resolve("red").resolve("000.png"), flat.resolve("a.png"));
        r = jgan("classifier", "--domain", "flat", "--data", flat.toString(), "--out", out.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("has no classes");
        assertThat(out).doesNotExist();
    }
}
