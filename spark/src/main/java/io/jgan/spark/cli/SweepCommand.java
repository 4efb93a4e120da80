package io.jgan.spark.cli;

import io.jgan.spark.sweep.Sweep;
import io.jgan.spark.sweep.SweepSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan-spark sweep}: many jgan train runs as Spark tasks, best first by FCD. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train many runs (a grid or random draws of train options, times seeds) as Spark tasks, measured"
                + " with --eval-every, optionally with successive halving; writes leaderboard.csv and the kept runs.",
            "Run it again with the same spec and --out to resume: finished trials are not run again."})
public final class SweepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "the sweep (.yaml, .yml or .json):"
            + " see the README, \"jgan on Apache Spark\"")
    Path file;

    @Option(names = "--out", required = true, paramLabel = "URI", description = "the sweep's folder: new or empty, or"
            + " an earlier run of the same spec (resumed)")
    String out;

    @Override
    public Integer call() {
        SweepSpec s = SweepSpec.read(file); // every check, before Spark starts
        SparkSession session = spark.session("sweep " + s.name());
        PrintWriter log = spec.commandLine().getOut();
        log.printf("jgan-spark: sweep %s: %d trials, %d steps each%s%n", s.name(), s.size(), s.steps(),
                s.rungs().size() > 1 ? ", halving at steps " + s.rungs().subList(0, s.rungs().size() - 1) : "");
        long t0 = System.nanoTime();
        List<Sweep.Entry> board = Sweep.run(session, s, out, log);
        log.print(Sweep.table(board));
        log.printf(Locale.ROOT, "jgan-spark: sweep %s finished in %.1f s; wrote %s/leaderboard.csv and %s/runs/%n",
                s.name(), (System.nanoTime() - t0) / 1e9, out, out);
        log.flush();
        return 0;
    }
}
