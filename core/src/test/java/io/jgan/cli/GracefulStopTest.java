package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.JganException;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C and a scheduler's SIGTERM: a real training process gets the signal mid-run, finishes its
 * step, checkpoints it, says how to go on and exits with {@link JganException#STOPPED}; resumed,
 * the run equals one that was never stopped. A second signal ends the process at once, and the
 * last complete checkpoint still loads.
 */
class GracefulStopTest {

    private static final int STEPS = 60;

    @TempDir
    Path tmp;

    /** No checkpoint but the last: without the graceful stop, a stopped run would lose everything. */
    private static List<String> trainArgs(Path out) {
        return List.of("train", "--limit", "200", "--batch-size", "50", "--seed", "9", "--max-steps",
                String.valueOf(STEPS), "--grid-every", "7", "--checkpoint-every", "0", "--no-progress", "--out",
                out.toString());
    }

    @Test
    void aSignalStopsAfterTheStepWithACheckpointAndResumeContinuesExactly() throws Exception {
        Path reference = tmp.resolve("reference");
        assertThat(jgan(trainArgs(reference).toArray(String[]::new)).exitCode()).isZero();

        Path run = tmp.resolve("stopped");
        List<String> again = List.of("train", "--resume", run.toString(), "--no-progress");
        long stoppedAt = 0;
        int attempt = 0;
        for (String signal : List.of("INT", "TERM")) {
            Child c = start(attempt++ == 0 ? trainArgs(run) : again);
            waitForRows(run, stoppedAt + 8, c.process);
            new ProcessBuilder("kill", "-" + signal, Long.toString(c.process.pid())).start().waitFor();
            assertThat(c.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(c.log);
            assertThat(c.process.exitValue()).as(out).isEqualTo(JganException.STOPPED);
            long step = Checkpoints.latest(run.resolve("checkpoints"))
                    .map(p -> Long.parseLong(p.getFileName().toString().substring(5))).orElseThrow();
            assertThat(step).isGreaterThan(stoppedAt).isLessThan(STEPS);
            assertThat(out).contains("jgan: SIG" + signal + ": finishing this step and writing a checkpoint")
                    .contains("stopped at step " + step + "; resume with `jgan train --resume " + run + "`");
            assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize((int) step + 1); // the log, flushed
            stoppedAt = step;
        }
        CliSmokeTest.Run last = jgan(again.toArray(String[]::new));
        assertThat(last.exitCode()).as(last.err()).isZero();
        assertThat(ResumeTest.lossColumns(run)).isEqualTo(ResumeTest.lossColumns(reference));
        assertThat(ResumeTest.list(run.resolve("grids"))).isEqualTo(ResumeTest.list(reference.resolve("grids")));
        try (Sampler a = Sampler.load(reference); Sampler b = Sampler.load(run)) {
            assertThat(b.sample(4, 1)).isEqualTo(a.sample(4, 1));
        }
    }

    @Test
    void aSecondSignalEndsAtOnceAndTheLastCheckpointSurvives() throws Exception {
        Path run = tmp.resolve("twice");
        List<String> args = new ArrayList<>(trainArgs(run));
        args.set(args.indexOf("--checkpoint-every") + 1, "5");
        Child c = start(args);
        waitForRows(run, 12, c.process);
        String pid = Long.toString(c.process.pid());
        // Two signals one after the other raced the stop: on a fast machine the first one's step and
        // checkpoint were done (exit 75) before the second arrived. Frozen, the process gets both at
        // once when it goes on, so the second always lands while the first one's stop is under way.
        // Ctrl-C then a scheduler's SIGTERM: two different signals, as two pending SIGINTs are one.
        for (String signal : List.of("STOP", "INT", "TERM", "CONT")) {
            new ProcessBuilder("kill", "-" + signal, pid).start().waitFor();
        }
        assertThat(c.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(c.process.exitValue()).as(Files.readString(c.log))
                .isIn(128 + 2, 128 + 15); // the second signal's own code, whichever of the two came second
        try (Sampler s = Sampler.load(run)) { // the newest complete checkpoint
            assertThat(s.manifest().step()).isGreaterThanOrEqualTo(10);
            assertThat(s.sample(2, 0)).hasSize(2 * 784);
        }
    }

    private record Child(Process process, Path log) {}

    /**
     * The CLI in a child JVM with this test's classpath. {@code env --default-signal} gives the
     * child default signal handling even where this JVM was started with SIGINT ignored (a
     * background job of a non-interactive shell), as a terminal's foreground job has it.
     */
    private Child start(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.jgan.cli.Main"));
        cmd.addAll(args);
        Path log = Files.createTempFile(tmp, "child", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return new Child(pb.start(), log);
    }

    /** Waits until the run's log has at least {@code rows} steps (the loop is well into training). */
    private static void waitForRows(Path run, long rows, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Path csv = run.resolve("metrics.csv");
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("the run is still training").isTrue();
            if (Files.exists(csv) && Files.readAllLines(csv).size() - 1 >= rows) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no " + rows + " steps in " + csv + " within 2 minutes");
    }
}
