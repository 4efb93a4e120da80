package io.jgan.spark.cli;

import io.jgan.JganException;
import io.jgan.spark.DistributedTraining;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code jgan-spark train}: data-parallel jgan train, one rank a Spark barrier task. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Data-parallel training launched by Spark: a barrier stage of --ranks tasks, each starting one"
                + " jgan rank (as torchrun would) that meets the others over libtorch's c10d (Gloo).",
            "Every other option is jgan train's; rank 0 writes --out, the job's result."})
public final class SparkTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--ranks", required = true, paramLabel = "N", description = "data-parallel ranks, one a Spark task"
            + " (the cluster needs N free task slots at once)")
    int ranks;

    @Unmatched
    List<String> trainArgs = new ArrayList<>();

    @Override
    public Integer call() {
        if (ranks < 1 || ranks > 1024) {
            throw new JganException(JganException.USAGE, "--ranks must be 1 to 1024, got " + ranks);
        }
        DistributedTraining.check(trainArgs);
        SparkSession session = spark.session("train");
        long t0 = System.nanoTime();
        List<DistributedTraining.RankResult> results = DistributedTraining.run(
                JavaSparkContext.fromSparkContext(session.sparkContext()), ranks, trainArgs);
        int code = 0;
        for (DistributedTraining.RankResult r : results) {
            if (r.exitCode() != 0) {
                spec.commandLine().getErr().printf("jgan-spark: rank %d on %s: %s%n", r.rank(), r.host(), r.error());
                code = code == 0 ? r.exitCode() : code;
            }
        }
        if (code == 0) {
            spec.commandLine().getOut().printf("jgan-spark: %d ranks trained in %.1f s; rank 0 wrote the run folder%n",
                    ranks, (System.nanoTime() - t0) / 1e9);
        }
        spec.commandLine().getErr().flush();
        return code;
    }
}
