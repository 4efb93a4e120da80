package io.jgan.spark.cli;

import io.jgan.JganException;
import io.jgan.spark.SampleSpec;
import io.jgan.spark.ShippedCheckpoint;
import io.jgan.spark.SparkSampler;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgan-spark sample}: N samples of a checkpoint, made by Spark tasks, written as Parquet or PNG files. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make N samples of a trained generator over a Spark cluster: Parquet (id, label, png, pixels) or"
                + " one PNG file a sample. Sample i is the one `jgan sample` draws with the same seed.")
public final class SparkSampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN", description = "a run folder or a checkpoint"
            + " folder (read on the driver, broadcast to the executors)")
    Path checkpoint;

    @Option(names = "--n", required = true, paramLabel = "N", description = "number of samples (ids 0..N-1)")
    long n;

    @Option(names = "--seed", paramLabel = "S", description = "noise seed (default ${DEFAULT-VALUE}, as jgan sample)")
    long seed = 0;

    @Option(names = "--label", paramLabel = "K", description = "one class for all samples (conditional G; default:"
            + " id mod classes)")
    Integer label;

    @Option(names = "--partitions", paramLabel = "P", description = "Spark tasks (default: the session's default"
            + " parallelism)")
    Integer partitions;

    @Option(names = "--columns", paramLabel = "C", split = ",", description = "png, pixels or both (default png)")
    List<String> columns = List.of("png");

    @Option(names = "--format", paramLabel = "FMT", description = "parquet (default) or png (one file a sample)")
    String format = "parquet";

    @Option(names = "--out", required = true, paramLabel = "URI", description = "a new or empty folder: a path or"
            + " a Hadoop URI (file://, hdfs://, s3a://, ...)")
    String out;

    @Override
    public Integer call() {
        for (String c : columns) {
            if (!c.equals("png") && !c.equals("pixels")) {
                throw new JganException(JganException.USAGE, "unknown column '" + c + "' in --columns: use png, pixels"
                        + " or png,pixels");
            }
        }
        new SampleSpec(n, seed, 1, label, columns.contains("png"), columns.contains("pixels")); // checks, before Spark
        ShippedCheckpoint shipped = ShippedCheckpoint.of(checkpoint); // a bad checkpoint stops here, before Spark
        SparkSession session = spark.session("sample");
        int p = partitions != null ? partitions : session.sparkContext().defaultParallelism();
        SampleSpec s = new SampleSpec(n, seed, p, label, columns.contains("png"), columns.contains("pixels"));
        long t0 = System.nanoTime();
        Dataset<Row> rows = SparkSampler.samples(session, shipped, s);
        SparkSampler.write(rows, out, format);
        double secs = (System.nanoTime() - t0) / 1e9;
        spec.commandLine().getOut().printf("jgan-spark: wrote %d samples of %s to %s (%s, %d partitions) in %.1f s"
                + " (%.0f samples/s)%n", n, checkpoint, out, format, Math.min(p, (n + 63) / 64), secs, n / secs);
        return 0;
    }
}
