package io.jgan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.JganException;
import io.jgan.data.IdxReader;
import io.jgan.data.ImageSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `jgan train` then `jgan sample`, through the command line, on a few steps of tiny data. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class CliSmokeTest {

    @TempDir
    static Path tmp;

    private Path run;
    private Run trained;

    /** What a CLI run printed and returned. */
    public record Run(int exitCode, String out, String err) {}

    public static Run jgan(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(Presets.expand(args)); // as Main.execute
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    void train() {
        run = tmp.resolve("run");
        // 200 digits, batch 50: 4 iterations per epoch; 6 iterations cross into epoch 2
        trained = jgan("train", "--limit", "200", "--batch-size", "50", "--max-steps", "6", "--grid-every", "2",
                "--checkpoint-every", "4", "--seed", "3", "--no-progress", "--out", run.toString());
    }

    @Test
    void trainWritesEverythingItPromises() throws IOException {
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(run.resolve("config.json")).isRegularFile();
        assertThat(Files.readString(run.resolve("config.json"))).contains("\"seed\" : 3", "\"batchSize\" : 50");
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(metrics.get(0)).isEqualTo("step,epoch,batch,lossD,lossG,D(x),D(G(z)),ms,elapsed_s");
        assertThat(metrics).hasSize(1 + 6);
        assertThat(metrics.get(6)).startsWith("6,2,2,");
        // grids after the 1st, 3rd, 5th batch (the tutorial's n_batch % N == 0) and at the end
        assertThat(ResumeTest.list(run.resolve("grids"))).containsExactly("step-00000001.png", "step-00000003.png",
                "step-00000005.png", "step-00000006.png");
        BufferedImage grid = ImageIO.read(run.resolve("grids/step-00000006.png").toFile());
        assertThat(grid.getWidth()).isEqualTo(grid.getHeight()).isGreaterThan(4 * 28);
        assertThat(ImageIO.getImageReadersBySuffix("gif").hasNext()).isTrue();
        assertThat(ImageIO.read(run.resolve("progress.gif").toFile())).isNotNull();
        assertThat(ImageIO.read(run.resolve("training.png").toFile())).isNotNull();
        // checkpoints at step 4 and at the end, each complete, nothing half-written left
        assertThat(ResumeTest.list(run.resolve("checkpoints"))).containsExactly("step-00000004", "step-00000006");
        assertThat(ResumeTest.list(run.resolve("checkpoints/step-00000006"))).contains("checkpoint.json")
                .anyMatch(f -> f.startsWith("generator")).anyMatch(f -> f.startsWith("adam-discriminator"));
    }

    @Test
    void sampleWritesAGridAndAnIdxFile() throws IOException {
        Path png = tmp.resolve("grid.png");
        Run r = jgan("sample", "--checkpoint", run.toString(), "--n", "9", "--seed", "1", "--out", png.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        BufferedImage grid = ImageIO.read(png.toFile());
        assertThat(grid.getWidth()).isEqualTo(grid.getHeight()); // 3x3

        Path idx = tmp.resolve("samples-idx3-ubyte");
        r = jgan("sample", "--checkpoint", run.toString(), "--n", "9", "--seed", "1", "--format", "idx", "--out",
                idx.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        ImageSet set = IdxReader.readImages(idx);
        assertThat(set.count()).isEqualTo(9);
        assertThat(set.rows()).isEqualTo(28);
        assertThat(set.cols()).isEqualTo(28);
        // same seed, same samples
        Path idx2 = tmp.resolve("again-idx3-ubyte.gz");
        jgan("sample", "--checkpoint", run.resolve("checkpoints/step-00000006").toString(), "--n", "9", "--seed",
                "1", "--format", "idx", "--out", idx2.toString());
        assertThat(IdxReader.readImages(idx2).pixels()).isEqualTo(set.pixels());
    }

    @Test
    void userMistakesGiveAMessageAndAnExitCodeNotATrace() throws IOException {
        Run r = jgan("train", "--batch-size", "0", "--out", tmp.resolve("x").toString());
        assertUserError(r, JganException.USAGE, "--batch-size");

        r = jgan("train", "--data", tmp.resolve("missing").toString(), "--out", tmp.resolve("y").toString());
        assertUserError(r, JganException.BAD_DATA, "missing");

        Path junk = Files.createDirectories(tmp.resolve("junk"));
        Files.write(junk.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0});
        r = jgan("train", "--data", junk.toString(), "--out", tmp.resolve("z").toString());
        assertUserError(r, JganException.BAD_DATA, "train-images-idx3-ubyte");
        assertThat(tmp.resolve("z")).doesNotExist(); // nothing written for a run that could not start

        r = jgan("train", "--max-steps", "1", "--out", run.toString()); // would overwrite a run
        assertUserError(r, JganException.USAGE, run.toString());
        assertThat(ResumeTest.list(run.resolve("checkpoints"))).containsExactly("step-00000004", "step-00000006");

        r = jgan("sample", "--checkpoint", tmp.resolve("nothing").toString(), "--out", tmp.resolve("g.png").toString());
        assertUserError(r, JganException.BAD_CHECKPOINT, "nothing");

        r = jgan("sample", "--checkpoint", run.toString(), "--n", "0", "--out", tmp.resolve("g.png").toString());
        assertUserError(r, JganException.USAGE, "--n");

        r = jgan("train", "--model", "resnet");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("resnet").doesNotContain("\tat ");
    }

    private static void assertUserError(Run r, int code, String mentioned) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).startsWith("jgan: error: ").contains(mentioned).doesNotContain("\tat ");
    }
}
