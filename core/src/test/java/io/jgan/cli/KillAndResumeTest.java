package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.checkpoint.Checkpoints;
import io.jgan.format.TfEvents;
import io.jgan.sample.Sampler;
import io.jgan.train.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: a training process is killed with SIGKILL at random moments (a checkpoint is
 * written every iteration, so many kills land inside a write), then resumed. After every kill the
 * newest complete checkpoint loads; in the end the run equals one that was never interrupted.
 */
class KillAndResumeTest {

    private static final int STEPS = 24;

    @TempDir
    Path tmp;

    private static String[] trainArgs(Path out) {
        return new String[] {"train", "--limit", "200", "--batch-size", "50", "--seed", "9", "--max-steps",
            String.valueOf(STEPS), "--grid-every", "5", "--checkpoint-every", "1", "--keep-checkpoints", "2",
            "--no-progress", "--out", out.toString()};
    }

    @Test
    void killedRunsResumeToTheUninterruptedResult() throws Exception {
        Path reference = tmp.resolve("reference");
        assertThat(jgan(trainArgs(reference)).exitCode()).isZero();

        Path run = tmp.resolve("killed");
        Random rng = new Random(20261124);
        List<String> first = new ArrayList<>(List.of(trainArgs(run)));
        List<String> again = List.of("train", "--resume", run.toString(), "--no-progress");
        int kills = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            Process p = start(attempt == 0 ? first : again);
            // wait for the first checkpoint of this attempt, then kill at a random moment
            long before = latestStep(run);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && latestStep(run) <= before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(rng.nextInt(400));
            if (!p.isAlive()) {
                break; // finished before the kill: nothing left to interrupt
            }
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
            p.waitFor();
            kills++;
            Optional<Path> latest = Checkpoints.latest(run.resolve("checkpoints"));
            assertThat(latest).as("a complete checkpoint survives kill %d", kills).isPresent();
            try (Sampler s = Sampler.load(run)) {
                assertThat(s.sample(2, 0)).hasSize(2 * 784);
            }
        }
        assertThat(kills).as("at least one kill landed").isPositive();

        CliSmokeTest.Run last = jgan(again.toArray(String[]::new));
        assertThat(last.exitCode()).as(last.err()).isZero();
        assertThat(ResumeTest.lossColumns(run)).isEqualTo(ResumeTest.lossColumns(reference));
        try (Sampler a = Sampler.load(reference); Sampler b = Sampler.load(run)) {
            assertThat(b.sample(4, 1)).isEqualTo(a.sample(4, 1));
        }
        assertThat(ResumeTest.list(run.resolve("checkpoints"))).containsExactly("step-00000023", "step-00000024");
        // TensorBoard: one file per start, killed ones possibly cut mid-record; every record whole up
        // to there reads with both checksums right, and after each start's SessionLog START has
        // dropped what a killed session wrote beyond its checkpoint, every tag has one value per step
        List<TfEvents.Contents> files = new ArrayList<>();
        for (Path f : TensorBoardTest.eventFiles(run)) {
            files.add(TfEvents.read(f));
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(kills + 1); // one per killed session, and the last resume
        TensorBoardTest.assertSameAsMetrics(TensorBoardTest.scalars(files), MetricsLog.read(run.resolve("metrics.csv")),
                STEPS);
    }

    private static long latestStep(Path run) {
        return Checkpoints.latest(run.resolve("checkpoints"))
                .map(p -> Long.parseLong(p.getFileName().toString().substring(5))).orElse(0L);
    }

    /** The CLI in a child JVM with this test's classpath (so that it can be killed for real). */
    private Process start(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), "io.jgan.cli.Main"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile(tmp, "child", ".log").toFile()).start();
    }
}
