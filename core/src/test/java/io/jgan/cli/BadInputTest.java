package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.JganException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's table of bad inputs: each gives one clear line, its exit code, and no trace. */
class BadInputTest {

    @TempDir
    Path tmp;

    private static void assertRefused(CliSmokeTest.Run r, int code, String... mentioned) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).startsWith("jgan: error: ").contains(mentioned).doesNotContain("\tat ");
    }

    @Test
    void nonsenseFlags() {
        assertRefused(jgan("train", "--epochs", "-1"), JganException.USAGE, "--epochs must be >= 1");
        assertRefused(jgan("train", "--limit", "100", "--batch-size", "500", "--out", tmp.resolve("a").toString()),
                JganException.USAGE, "--batch-size 500 is larger than the data set (100 samples)");
        assertThat(tmp.resolve("a")).doesNotExist();
        assertRefused(jgan("train", "--lr", "2"), JganException.USAGE, "learning rates must be in (0, 1)");
        assertRefused(jgan("train", "--real-label", "0.3"), JganException.USAGE, "--real-label");
        assertRefused(jgan("train", "--loss", "wasserstein"), JganException.USAGE, "unknown loss 'wasserstein'");
        assertRefused(jgan("train", "--latent", "0"), JganException.USAGE, "latent size 0");
        assertRefused(jgan("toy", "--std", "0.5"), JganException.USAGE, "must lie in [-1, 1]");
        CliSmokeTest.Run r = jgan("train", "--epochs", "many");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("many").doesNotContain("\tat ");
    }

    @Test
    void outputThatCannotBeWritten() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertRefused(jgan("train", "--max-steps", "1", "--limit", "100", "--out", file.resolve("run").toString()),
                JganException.IO, "cannot write to output folder");
        Path run = tmp.resolve("run");
        assertThat(jgan("train", "--max-steps", "1", "--limit", "100", "--no-progress", "--out", run.toString())
                .exitCode()).isZero();
        assertRefused(jgan("sample", "--checkpoint", run.toString(), "--out", file.resolve("g.png").toString()),
                JganException.IO, "g.png");
    }

    @Test
    void checkpointFromAnotherFormatVersion() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(jgan("train", "--max-steps", "1", "--limit", "100", "--no-progress", "--out", run.toString())
                .exitCode()).isZero();
        Path manifest = run.resolve("checkpoints/step-00000001/checkpoint.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
        assertRefused(jgan("sample", "--checkpoint", run.toString(), "--out", tmp.resolve("g.png").toString()),
                JganException.BAD_CHECKPOINT, "format version 99");
        assertRefused(jgan("train", "--resume", run.toString()), JganException.BAD_CHECKPOINT, "format version 99");
    }

    @Test
    void divergenceStopsWithItsOwnExitCode() {
        // Adam at lr 0.9 blows the logits up within a few steps
        assertRefused(jgan("train", "--lr", "0.9", "--limit", "100", "--batch-size", "50", "--max-steps", "20",
                "--no-progress", "--out", tmp.resolve("d").toString()), JganException.DIVERGED, "training diverged",
                "--lr 1e-4");
    }
}
