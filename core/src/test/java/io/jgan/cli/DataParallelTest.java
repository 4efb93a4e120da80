package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.ChildJvm;
import io.jgan.train.MetricsLog;
import io.jgan.train.StepRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training: ranks as separate JVMs on loopback, started by {@code --nproc} or, as a
 * scheduler would, with the torchrun variables set. Two ranks on global batch B compute what one
 * process computes on B (the same losses to float tolerance: only the order of float sums
 * differs); a rank that dies stops the others with a message; a run resumes with another N; bad
 * rendezvous settings get one line and a non-zero exit.
 */
class DataParallelTest {

    @TempDir
    Path tmp;

    private static String[] args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--seed", "5", "--no-progress", "--no-tensorboard",
                "--grid-every", "5", "--out", out.toString()));
        a.addAll(List.of(more));
        if (!a.contains("--limit")) { // the default model on 1,200 digits, batch 60 (20 per rank with 3)
            a.addAll(List.of("--limit", "1200", "--batch-size", "60"));
        }
        return a.toArray(String[]::new);
    }

    private static String[] with(String[] args, String... more) { // args, then more
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Step by step: losses and D's means within tol (abs) for the given steps. */
    private static void assertSameSteps(Path a, Path b, int from, int to, double tol) throws IOException {
        List<StepRecord> x = MetricsLog.read(a.resolve("metrics.csv"));
        List<StepRecord> y = MetricsLog.read(b.resolve("metrics.csv"));
        for (int s = from; s <= to; s++) {
            StepRecord p = find(x, s);
            StepRecord q = find(y, s);
            assertThat(p.lossD()).as("lossD at step %d", s).isCloseTo(q.lossD(), within((float) tol));
            assertThat(p.lossG()).as("lossG at step %d", s).isCloseTo(q.lossG(), within((float) tol));
            assertThat(p.dReal()).as("D(x) at step %d", s).isCloseTo(q.dReal(), within((float) tol));
            assertThat(p.dFake()).as("D(G(z)) at step %d", s).isCloseTo(q.dFake(), within((float) tol));
        }
    }

    private static StepRecord find(List<StepRecord> records, long step) {
        return records.stream().filter(r -> r.step() == step).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + step + " in the metrics"));
    }

    @Test
    void twoRanksOnTheDefaultModelComputeWhatOneProcessComputes() throws Exception {
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        assertThat(jgan(args(one, "--max-steps", "10")).exitCode()).isZero();
        ChildJvm.Run r = ChildJvm.jgan(List.of(), args(two, "--max-steps", "10", "--nproc", "2"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        // dropout's masks, the noise and the batch are the global batch's, cut to each rank's rows
        assertSameSteps(one, two, 1, 10, 1e-4);
        assertThat(r.output()).contains("jgan: 10 iterations").doesNotContain("[rank 1]")
                .contains("jgan: 2 ranks (batch 30 each)");
        assertThat(two.resolve("checkpoints/step-00000010")).isDirectory();

        // two "machines" of one process each, meeting at --master, as the README's two shell lines do
        Path nodes = tmp.resolve("nodes");
        int port = freePort();
        String[] node = args(nodes, "--max-steps", "10", "--nnodes", "2", "--master", "127.0.0.1:" + port);
        Process n0 = ChildJvm.start(Map.of(), tmp.resolve("node0.log"), with(node, "--node-rank", "0"));
        Process n1 = ChildJvm.start(Map.of(), tmp.resolve("node1.log"), with(node, "--node-rank", "1"));
        assertThat(n0.waitFor(120, TimeUnit.SECONDS) && n1.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(n0.exitValue()).as(Files.readString(tmp.resolve("node0.log"))).isZero();
        assertThat(n1.exitValue()).as(Files.readString(tmp.resolve("node1.log"))).isZero();
        assertSameSteps(one, nodes, 1, 10, 1e-4);
    }

    @Test
    void dcganWithSynchronisedBatchNormComputesWhatOneProcessComputes() throws Exception {
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        String[] dcgan = {"--model", "dcgan", "--max-steps", "8", "--limit", "480", "--batch-size", "32"};
        CliSmokeTest.Run single = jgan(args(one, dcgan));
        assertThat(single.exitCode()).as(single.err()).isZero();
        ChildJvm.Run r = ChildJvm.jgan(List.of(), args(two, with(dcgan, "--nproc", "2", "--sync-bn")));
        assertThat(r.exitCode()).as(r.output()).isZero();
        // step 1 is exact up to rounding (per-rank batch norm would be off by far more); later steps
        // drift apart by the order of float sums, as a 1-thread and a 2-thread run do
        assertSameSteps(one, two, 1, 1, 1e-5);
        assertSameSteps(one, two, 2, 8, 2e-3);
    }

    @Test
    void threeRanksThenResumedInOneProcessContinueTheRun() throws Exception {
        Path whole = tmp.resolve("whole");
        Path run = tmp.resolve("three");
        assertThat(jgan(args(whole, "--max-steps", "10")).exitCode()).isZero();
        ChildJvm.Run r = ChildJvm.jgan(List.of(), args(run, "--max-steps", "6", "--checkpoint-every", "3", "--nproc",
                "3"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertSameSteps(whole, run, 1, 6, 1e-4);
        // the checkpoint does not depend on N: two processes take over from three, then one from two
        ChildJvm.Run two = ChildJvm.jgan(List.of(), "train", "--resume", run.toString(), "--max-steps", "8",
                "--no-progress", "--nproc", "2");
        assertThat(two.exitCode()).as(two.output()).isZero();
        assertThat(two.output()).contains("resuming").contains("jgan: 2 iterations");
        CliSmokeTest.Run resumed = jgan("train", "--resume", run.toString(), "--max-steps", "10", "--no-progress");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming");
        assertSameSteps(whole, run, 7, 10, 1e-4);
    }

    @Test
    void aKilledRankStopsTheOthersWithAMessageAndTheLastCheckpointResumes() throws Exception {
        Path run = tmp.resolve("killed");
        int port = freePort();
        String[] a = args(run, "--max-steps", "100000", "--checkpoint-every", "4", "--keep-checkpoints", "2",
                "--dist-timeout", "60");
        Process rank0 = ChildJvm.start(rankEnv(0, 2, port), tmp.resolve("rank0.log"), a);
        Process rank1 = ChildJvm.start(rankEnv(1, 2, port), tmp.resolve("rank1.log"), a);
        try {
            awaitWhileAlive(rank0, () -> checkpoints(run).size() >= 2);
            assertThat(checkpoints(run)).as(Files.readString(tmp.resolve("rank0.log"))).hasSizeGreaterThanOrEqualTo(2);
            rank1.destroyForcibly(); // SIGKILL: no goodbye to the others
            long killed = System.nanoTime();
            assertThat(rank0.waitFor(60, TimeUnit.SECONDS)).as("rank 0 stops by itself").isTrue();
            double seconds = (System.nanoTime() - killed) / 1e9;
            String log = Files.readString(tmp.resolve("rank0.log"));
            assertThat(rank0.exitValue()).as(log).isEqualTo(7);
            assertThat(log).contains("rank 0 of 2: lost contact with another rank")
                    .contains("its last checkpoint is kept").doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(seconds).as("well within the time-out").isLessThan(30);
        } finally {
            rank0.destroyForcibly();
            rank1.destroyForcibly();
        }
        // the newest checkpoint is whole: the run resumes from it in one process
        long last = checkpoints(run).stream().mapToLong(p -> Long.parseLong(p.getFileName().toString().substring(5)))
                .max().orElseThrow();
        CliSmokeTest.Run resumed = jgan("train", "--resume", run.toString(), "--max-steps", String.valueOf(last + 2),
                "--no-progress");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    }

    @Test
    void aRankThatHangsIsGivenUpOnAfterTheTimeout() throws Exception {
        Path run = tmp.resolve("hung");
        int port = freePort();
        String[] a = args(run, "--max-steps", "100000", "--dist-timeout", "5");
        Process rank0 = ChildJvm.start(rankEnv(0, 2, port), tmp.resolve("h0.log"), a);
        Process rank1 = ChildJvm.start(rankEnv(1, 2, port), tmp.resolve("h1.log"), a);
        try {
            awaitWhileAlive(rank0, () -> steps(run) >= 3);
            // SIGSTOP: rank 1 is alive, its connections open, and it answers nothing
            assertThat(new ProcessBuilder("kill", "-STOP", String.valueOf(rank1.pid())).start().waitFor()).isZero();
            assertThat(rank0.waitFor(30, TimeUnit.SECONDS)).as("rank 0 gives up by itself").isTrue();
            String log = Files.readString(tmp.resolve("h0.log"));
            assertThat(rank0.exitValue()).as(log).isEqualTo(7);
            assertThat(log).contains("rank 0 of 2: another rank did not answer within 5 s");
        } finally {
            rank0.destroyForcibly();
            rank1.destroyForcibly();
        }
    }

    @Test
    void theLauncherNamesARankThatWasKilled() throws Exception {
        Path run = tmp.resolve("launched");
        Path log = tmp.resolve("launcher.log");
        Process launcher = ChildJvm.start(Map.of(), log, args(run, "--max-steps", "100000", "--checkpoint-every",
                "4", "--nproc", "2"));
        try {
            awaitWhileAlive(launcher, () -> !checkpoints(run).isEmpty());
            List<ProcessHandle> ranks = launcher.descendants()
                    .sorted(Comparator.comparing((ProcessHandle h) -> h.info().startInstant().orElseThrow())
                            .thenComparingLong(ProcessHandle::pid))
                    .toList();
            assertThat(ranks).hasSize(2);
            ranks.get(1).destroyForcibly(); // rank 1: started second
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(log);
            assertThat(launcher.exitValue()).as(out).isEqualTo(7);
            assertThat(out).contains("jgan: rank 1 was killed (SIGKILL, exit code 137), so the job stopped")
                    .contains("rank 0 of 2: lost contact with another rank");
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    @Test
    void aSigtermToTheLauncherStopsEveryRankAfterTheSameStepWithACheckpoint() throws Exception {
        Path run = tmp.resolve("stopped");
        Path log = tmp.resolve("stopped.log");
        Process launcher = ChildJvm.start(Map.of(), log, args(run, "--max-steps", "100000", "--checkpoint-every",
                "100000", "--nproc", "2"));
        try {
            awaitWhileAlive(launcher, () -> steps(run) >= 3);
            launcher.destroy(); // SIGTERM, as a scheduler sends before it preempts
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(log);
            assertThat(launcher.exitValue()).as(out).isEqualTo(75);
            assertThat(out).contains("jgan: SIGTERM: finishing this step").containsPattern("stopped at step \\d+");
            long step = Long.parseLong(out.replaceAll("(?s).*stopped at step (\\d+).*", "$1"));
            assertThat(run.resolve(String.format("checkpoints/step-%08d", step))).isDirectory();
            assertThat(launcher.descendants().count()).as("no rank left running").isZero();
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    /** Polls (up to 120 s) until the condition holds or the process has ended. */
    private static void awaitWhileAlive(Process p, java.util.concurrent.Callable<Boolean> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!done.call() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static long steps(Path run) throws IOException {
        Path metrics = run.resolve("metrics.csv");
        return Files.exists(metrics) ? Math.max(0, Files.readAllLines(metrics).size() - 1) : 0;
    }

    @Test
    void badRendezvousSettingsGetOneLineAndNothingIsWritten() throws Exception {
        // the master's port is taken
        try (ServerSocket taken = new ServerSocket(0)) {
            Path out = tmp.resolve("taken");
            Process p = ChildJvm.start(rankEnv(0, 2, taken.getLocalPort()), tmp.resolve("taken.log"), args(out,
                    "--max-steps", "2", "--dist-timeout", "5"));
            assertExit(p, tmp.resolve("taken.log"), 2, "port " + taken.getLocalPort() + " on 127.0.0.1 is in use");
            assertThat(out).doesNotExist();
        }
        // no master there
        Path lonely = tmp.resolve("lonely");
        Process p = ChildJvm.start(rankEnv(1, 2, freePort()), tmp.resolve("lonely.log"), args(lonely, "--max-steps",
                "2", "--dist-timeout", "3"));
        assertExit(p, tmp.resolve("lonely.log"), 2, "rank 1 cannot reach the master at 127.0.0.1:");
        assertThat(lonely).doesNotExist();
        // rank 0 alone in a world of two
        Path alone = tmp.resolve("alone");
        p = ChildJvm.start(rankEnv(0, 2, freePort()), tmp.resolve("alone.log"), args(alone, "--max-steps", "2",
                "--dist-timeout", "3"));
        assertExit(p, tmp.resolve("alone.log"), 2, "rank 0: rank 1 did not join the job at 127.0.0.1:");
        assertThat(alone).doesNotExist();
        // world sizes that differ: both ranks stop, naming the difference
        int port = freePort();
        Path out = tmp.resolve("worlds");
        Process a = ChildJvm.start(rankEnv(0, 2, port), tmp.resolve("a.log"), args(out, "--max-steps", "2",
                "--dist-timeout", "20"));
        Process b = ChildJvm.start(rankEnv(1, 3, port), tmp.resolve("b.log"), args(out, "--max-steps", "2",
                "--dist-timeout", "20"));
        assertExit(a, tmp.resolve("a.log"), 2, "rank 0 and rank 1 were started with different settings (here world"
                + " size=2, there world size=3)");
        assertExit(b, tmp.resolve("b.log"), 2, "rank 1 and rank 0 were started with different settings");
        assertThat(out).doesNotExist();
        // a recipe that differs
        port = freePort();
        a = ChildJvm.start(rankEnv(0, 2, port), tmp.resolve("c.log"), args(out, "--max-steps", "2", "--lr", "1e-4"));
        b = ChildJvm.start(rankEnv(1, 2, port), tmp.resolve("d.log"), args(out, "--max-steps", "2", "--lr", "2e-4"));
        assertExit(a, tmp.resolve("c.log"), 2, "(here --lr=1.0E-4, there --lr=2.0E-4)");
        assertExit(b, tmp.resolve("d.log"), 2, "different settings");
        assertThat(out).doesNotExist();
    }

    @Test
    void optionsThatCannotWorkAreRefusedBeforeAnyRankStarts() throws Exception {
        assertRefused(jgan(args(tmp.resolve("x"), "--nnodes", "2")), "--nnodes 2 needs --master ADDR:PORT");
        assertRefused(jgan(args(tmp.resolve("x"), "--nproc", "0")), "--nproc must be 1 to 256, got 0");
        assertRefused(jgan(args(tmp.resolve("x"), "--nnodes", "2", "--node-rank", "2", "--master", "h:1")),
                "--node-rank must be 0 to 1 for --nnodes 2, got 2");
        assertRefused(jgan(args(tmp.resolve("x"), "--nnodes", "2", "--master", "nowhere")),
                "--master must be ADDR:PORT");
        assertRefused(jgan(args(tmp.resolve("x"), "--nproc", "2", "--lr", "-1")), "learning rates must be in (0, 1)");
        assertThat(tmp.resolve("x")).doesNotExist();
        // a scheduler's variables and --nproc together
        Process p = ChildJvm.start(rankEnv(0, 2, freePort()), tmp.resolve("both.log"), args(tmp.resolve("x"),
                "--nproc", "2"));
        assertExit(p, tmp.resolve("both.log"), 2, "RANK / WORLD_SIZE are set, so this process is already one rank");
    }

    @Test
    void eachRankTakesItsShareOfTheCores() {
        assertThat(ParallelOptions.threadsPerRank(Map.of("OMP_NUM_THREADS", "3", "LOCAL_WORLD_SIZE", "2"), 8)).isEqualTo(3);
        assertThat(ParallelOptions.threadsPerRank(Map.of("LOCAL_WORLD_SIZE", "2"), 8)).isEqualTo(4);
        assertThat(ParallelOptions.threadsPerRank(Map.of("LOCAL_WORLD_SIZE", "4"), 2)).isEqualTo(1);
        assertThat(ParallelOptions.threadsPerRank(Map.of("OMP_NUM_THREADS", "x"), 8)).isZero(); // libtorch's default
        assertThat(ParallelOptions.threadsPerRank(Map.of(), 8)).isZero();
    }

    private static void assertRefused(CliSmokeTest.Run r, String message) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("\tat ");
    }

    private static void assertExit(Process p, Path log, int code, String message) throws Exception {
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("exits").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(code);
        assertThat(out).contains(message).doesNotContain("\tat ");
        assertThat(out.lines().filter(l -> l.startsWith("jgan: error:")).count()).as(out).isEqualTo(1);
    }

    private static Map<String, String> rankEnv(int rank, int world, int port) {
        return Map.of("RANK", String.valueOf(rank), "WORLD_SIZE", String.valueOf(world), "LOCAL_RANK",
                String.valueOf(rank), "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", String.valueOf(port));
    }

    private static List<Path> checkpoints(Path run) throws IOException {
        Path dir = run.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d+")).toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
