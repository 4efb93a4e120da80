package io.jgan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4-trial sweep with successive halving, one trial set up to diverge: killed (kill -9) during
 * its last rung, resumed with the same spec, it runs no finished trial again and writes its
 * leaderboard and the kept runs.
 */
class SweepTest extends SparkTestBase {

    @TempDir
    Path tmp;

    static final String SPEC = """
            name: four
            options:
              --limit: 500
              --batch-size: 25
              --loss: lsgan
              --lr: [0.0002, 0.0005, 0.001, 0.9]   # 0.9 with lsgan diverges at once
            seeds: [3]
            steps: 60
            evalEvery: 20
            evalSamples: 200
            halving: [20]
            """;

    @Test
    void killedSweepResumesWithoutRerunningFinishedTrials() throws Exception {
        Path spec = Files.writeString(tmp.resolve("four.yaml"), SPEC);
        Path out = tmp.resolve("sweep");
        // the first run in its own JVM, killed once the halving step's results are in
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Xmx") || a.startsWith("-Dio.netty")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.jgan.spark.cli.SparkMain", "sweep", "--spec",
                spec.toString(), "--out", out.toString(), "--master", "local[2]"));
        Path log = tmp.resolve("first.log");
        Process first = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (first.isAlive() && !(results(out, 20) == 4 && Files.readString(log).contains("step 60:"))) {
            assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
            Thread.sleep(200);
        }
        first.destroyForcibly().waitFor();
        String firstLog = Files.readString(log);
        assertThat(firstLog).contains("failed: training diverged");
        assertThat(out.resolve("leaderboard.csv")).as(firstLog).doesNotExist(); // killed before the end
        assertThat(results(out, 20)).isEqualTo(4);

        Run r = jganSpark("sweep", "--spec", spec.toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("resuming sweep four", "step 20: 0 trials to run, 4 finished before");
        for (String id : List.of("t000", "t001", "t002", "t003")) {
            assertThat(attempts(out.resolve("trials").resolve(id), 20)).as(id).isEqualTo(1);
        }
        List<String> board = Files.readAllLines(out.resolve("leaderboard.csv"));
        assertThat(board.get(0)).isEqualTo("rank,trial,status,fcd,steps,seconds,settings,error");
        assertThat(board).hasSize(5);
        assertThat(board.subList(1, 5)).extracting(l -> l.split(",")[2])
                .containsExactly("done", "done", "stopped", "failed");
        assertThat(board.get(4)).contains("t003", "--lr 0.9", "training diverged");
        double a = Double.parseDouble(board.get(1).split(",")[3]);
        double b = Double.parseDouble(board.get(2).split(",")[3]);
        assertThat(a).isLessThanOrEqualTo(b);
        assertThat(board.get(1).split(",")[4]).isEqualTo("60");
        assertThat(board.get(3).split(",")[4]).isEqualTo("20"); // halved out at step 20
        for (String line : board.subList(1, 3)) {
            Path run = out.resolve("runs").resolve(line.split(",")[1]);
            assertThat(run.resolve("eval.csv")).isRegularFile();
            assertThat(Files.readAllLines(run.resolve("eval.csv"))).hasSize(1 + 60 / 20);
        }
        assertThat(r.out()).contains("rank", "done", "failed");

        // the same out with another spec is refused, in one line
        Path other = Files.writeString(tmp.resolve("other.yaml"), SPEC.replace("seeds: [3]", "seeds: [4]"));
        r = jganSpark("sweep", "--spec", other.toString(), "--out", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("holds another sweep").hasLineCount(1);
    }

    @Test
    void badSpecsStopBeforeAnyTask() throws Exception {
        String[][] cases = {
            {"options: {--lerning-rate: [0.1]}\nsteps: 10\n", "Unknown options: '--lerning-rate'"},
            {"options: {--lr: 0.001}\nseeds: []\nsteps: 10\n", "zero trials"},
            {"options: {--lr: []}\nsteps: 10\n", "empty list"},
            {"steps: 10\nevalEvery: 3\n", "not a multiple of evalEvery"},
            {"stpes: 10\n", "unknown key 'stpes'"},
            {"options: {--seed: 4}\nsteps: 10\n", "set by the sweep itself"},
            {"steps: [10\n", "not valid YAML"},
        };
        int i = 0;
        for (String[] c : cases) {
            Path spec = Files.writeString(tmp.resolve("bad" + i++ + ".yaml"), c[0]);
            Run r = jganSpark("sweep", "--spec", spec.toString(), "--out", tmp.resolve("o" + i).toString());
            assertThat(r.exitCode()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains(c[1]).startsWith("jgan-spark: error: sweep spec");
            assertThat(tmp.resolve("o" + i)).doesNotExist();
        }
    }

    private static long results(Path out, int rung) throws IOException {
        Path trials = out.resolve("trials");
        if (!Files.isDirectory(trials)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(trials)) {
            return s.filter(p -> p.getFileName().toString().equals(String.format("rung-%08d.json", rung))).count();
        }
    }

    private static long attempts(Path trial, int rung) throws IOException {
        try (Stream<Path> s = Files.list(trial)) {
            return s.filter(p -> p.getFileName().toString().startsWith(String.format("attempt-%08d-", rung))).count();
        }
    }
}
