package io.jgan.spark.cli;

import io.jgan.JganException;
import io.jgan.eval.EvalReport;
import io.jgan.format.Json;
import io.jgan.spark.SampleSpec;
import io.jgan.spark.ShippedClassifier;
import io.jgan.spark.SparkEvaluator;
import io.jgan.spark.SparkSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan-spark eval}: jgan eval's report over a Dataset of images, computed by Spark tasks. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure images over a Spark cluster: FCD, KID, precision/recall/density/coverage, classifier"
                + " score and class shares, as jgan eval does (equal to it on the same images).",
            "The images: a checkpoint's samples (made by the tasks), a Parquet folder (jgan-spark sample's) or a"
                + " folder of PNG/JPEG files, on any file system Hadoop reaches."})
public final class SparkEvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    static final class Source {
        @Option(names = "--checkpoint", paramLabel = "RUN", description = "sample a run (or checkpoint folder) and"
                + " measure its samples")
        Path checkpoint;

        @Option(names = "--samples", paramLabel = "URI", description = "a Parquet folder (columns png or pixels) or a"
                + " folder of PNG/JPEG files")
        String samples;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--n", paramLabel = "N", description = "samples of --checkpoint (default ${DEFAULT-VALUE})")
    long n = 10_000;

    @Option(names = "--seed", paramLabel = "S", description = "noise seed and KID's draws (default ${DEFAULT-VALUE},"
            + " as jgan eval)")
    long seed = 0;

    @Option(names = "--domain", paramLabel = "NAME", description = "jgan's classifier of mnist (default) or fashion")
    String domain = "mnist";

    @Option(names = "--classifier", paramLabel = "DIR", description = "a classifier of your own data (jgan classifier)")
    Path classifier;

    @Option(names = "--partitions", paramLabel = "P", description = "Spark tasks (default: the session's default"
            + " parallelism for samples; the files' own split otherwise)")
    Integer partitions;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON (a local file)")
    Path json;

    @Override
    public Integer call() throws IOException {
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new JganException(JganException.IO, "output folder " + parent + " does not exist: create it first");
            }
        }
        ShippedClassifier c = classifier != null ? ShippedClassifier.folder(classifier) : ShippedClassifier.domain(domain);
        SparkSession session = spark.session("eval");
        Dataset<Row> images;
        String what;
        if (source.checkpoint != null) {
            int p = partitions != null ? partitions : session.sparkContext().defaultParallelism();
            images = SparkSampler.samples(session, source.checkpoint, new SampleSpec(n, seed, p, null, true, false));
            what = String.format("%s, %d samples, noise seed %d (jgan-spark)", source.checkpoint, n, seed);
        } else {
            images = read(session, source.samples);
            if (partitions != null) {
                images = images.repartition(partitions);
            }
            what = source.samples + " (jgan-spark)";
        }
        long t0 = System.nanoTime();
        EvalReport report = SparkEvaluator.evaluate(images, c, seed, what);
        double secs = (System.nanoTime() - t0) / 1e9;
        spec.commandLine().getOut().println(report.table());
        spec.commandLine().getOut().printf("jgan-spark: measured %d images in %.1f s%n",
                report.protocol().generatedCount(), secs);
        if (json != null) {
            Files.writeString(json, Json.MAPPER.writeValueAsString(report));
        }
        return 0;
    }

    /**
     * Reads images: Parquet when the folder holds Parquet files, else every PNG/JPEG file under it
     * (Spark's binaryFile source).
     */
    static Dataset<Row> read(SparkSession session, String uri) {
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(uri);
        boolean parquet;
        try {
            FileSystem fs = dir.getFileSystem(session.sparkContext().hadoopConfiguration());
            if (!fs.exists(dir)) {
                throw new JganException(JganException.IO, uri + " does not exist: give a Parquet folder or a folder of"
                        + " images");
            }
            parquet = fs.isFile(dir) ? uri.endsWith(".parquet")
                    : fs.globStatus(new org.apache.hadoop.fs.Path(dir, "*.parquet")).length > 0;
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot read " + uri + ": " + e.getMessage());
        }
        if (parquet) {
            return session.read().parquet(uri);
        }
        return session.read().format("binaryFile").option("recursiveFileLookup", "true")
                .option("pathGlobFilter", "*.{png,PNG,jpg,JPG,jpeg,JPEG}").load(uri);
    }
}
