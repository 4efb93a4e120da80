package io.jgan.spark;

import io.jgan.JganException;
import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.engine.Torch;
import io.jgan.format.ImageGrid;
import io.jgan.model.LatentNoise;
import io.jgan.sample.SampleFolder;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A trained generator as a Spark {@code Dataset<Row>} of samples: columns {@code id} (long),
 * {@code label} (int, null for an unconditional G), {@code png} (one PNG file's bytes) and/or
 * {@code pixels} (array of floats, C*H*W, G's output in [0, 1], unquantised).
 *
 * <p>The checkpoint is broadcast (once per executor); each partition loads G once and generates
 * its range of ids with the core's {@link Sampler#sampleIds}, in which sample {@code i} is a
 * function of (seed, i) alone: the same ids give the bytes {@code jgan sample} gives on one machine,
 * whatever the number of partitions or executors. Each task runs libtorch on one thread, so
 * an executor's cores go to its tasks.
 *
 * <pre>{@code
 * Dataset<Row> digits = SparkSampler.samples(spark, Path.of("runs/my-run"),
 *         new SampleSpec(100_000, 1, 8, null, true, false));
 * digits.write().parquet("hdfs:///synthetic/digits");
 * }</pre>
 */
public final class SparkSampler {

    /** Ids a partition generates between two hand-overs of rows (bounds a task's memory). */
    static final int CHUNK = 16 * LatentNoise.ID_BLOCK;

    private SparkSampler() {}

    /**
     * The columns of a sample dataset.
     *
     * @param spec which image columns
     * @return the schema
     */
    public static StructType schema(SampleSpec spec) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("id", DataTypes.LongType, false));
        fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, true));
        if (spec.png()) {
            fields.add(DataTypes.createStructField("png", DataTypes.BinaryType, false));
        }
        if (spec.pixels()) {
            fields.add(DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false));
        }
        return DataTypes.createStructType(fields);
    }

    /**
     * Samples ids 0..n-1 of a checkpoint.
     *
     * @param spark the session
     * @param checkpoint a run folder or checkpoint folder, on the driver's file system
     * @param spec what to sample
     * @return the samples, one partition per {@code spec.partitions()} (fewer when n is small)
     * @throws JganException for a missing, damaged or foreign checkpoint, or a label it lacks, before
     *     any task starts
     */
    public static Dataset<Row> samples(SparkSession spark, Path checkpoint, SampleSpec spec) {
        return samples(spark, ShippedCheckpoint.of(checkpoint), spec);
    }

    /**
     * Samples ids 0..n-1 of a checkpoint already read on the driver.
     *
     * @param spark the session
     * @param shipped the checkpoint ({@link ShippedCheckpoint#of})
     * @param spec what to sample
     * @return the samples
     * @throws JganException for a label the generator lacks, before any task starts
     */
    public static Dataset<Row> samples(SparkSession spark, ShippedCheckpoint shipped, SampleSpec spec) {
        ModelConfig m = shipped.model();
        if (spec.label() != null) {
            Sampler.requireLabel(m, spec.label()); // jgan sample's check and message
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<ShippedCheckpoint> g = jsc.broadcast(shipped);
        List<long[]> ranges = ranges(spec.n(), spec.partitions());
        JavaRDD<Row> rows = jsc.parallelize(ranges, ranges.size())
                .flatMap(range -> new Rows(g.value(), spec, range[0], range[1]));
        return spark.createDataFrame(rows, schema(spec));
    }

    /**
     * Splits ids 0..n-1 into contiguous ranges on block boundaries (a block is the unit G runs on),
     * as even as the blocks allow.
     *
     * @param n ids
     * @param partitions wanted ranges
     * @return {from, to} pairs, none empty, at most {@code partitions}
     */
    static List<long[]> ranges(long n, int partitions) {
        long blocks = (n + LatentNoise.ID_BLOCK - 1) / LatentNoise.ID_BLOCK;
        int p = (int) Math.min(partitions, blocks);
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            long from = Math.min(n, blocks * i / p * LatentNoise.ID_BLOCK);
            long to = Math.min(n, blocks * (i + 1) / p * LatentNoise.ID_BLOCK);
            out.add(new long[] {from, to});
        }
        return out;
    }

    /**
     * Writes samples as Parquet or as one PNG file a sample (named as {@code jgan sample --format
     * dir} names them), to any file system Hadoop reaches. The folder must be new or empty.
     *
     * @param samples rows from {@link #samples}
     * @param out the folder (a path or a URI: file://, hdfs://, s3a://, ...)
     * @param format parquet or png
     * @throws JganException when the folder holds files or cannot be made, before any task starts
     */
    public static void write(Dataset<Row> samples, String out, String format) {
        if (!format.equals("parquet") && !format.equals("png")) {
            throw new JganException(JganException.USAGE, "unknown --format '" + format + "': use parquet or png");
        }
        if (format.equals("png") && !List.of(samples.columns()).contains("png")) {
            throw new JganException(JganException.USAGE, "--format png needs the png column: add png to --columns");
        }
        Configuration conf = samples.sparkSession().sparkContext().hadoopConfiguration();
        OutputFolder.prepare(out, conf);
        if (format.equals("parquet")) {
            samples.write().mode(SaveMode.Overwrite).parquet(out); // the folder is ours and empty
            return;
        }
        SerializableConfiguration hadoop = new SerializableConfiguration(conf);
        samples.select("id", "label", "png").foreachPartition(it -> {
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(out);
            FileSystem fs = dir.getFileSystem(hadoop.get());
            while (it.hasNext()) {
                Row r = it.next();
                int label = r.isNullAt(1) ? -1 : r.getInt(1);
                try (OutputStream o = fs.create(new org.apache.hadoop.fs.Path(dir, SampleFolder.name(r.getLong(0), label)))) {
                    o.write((byte[]) r.get(2));
                }
            }
        });
    }

    /** One partition's rows, generated a chunk at a time so that a task's memory stays flat. */
    private static final class Rows implements Iterator<Row> {
        private final SampleSpec spec;
        private final long to;
        private final Sampler sampler;
        private final ModelConfig m;
        private long next;
        private List<Row> chunk = List.of();
        private int at;
        private boolean closed;

        Rows(ShippedCheckpoint shipped, SampleSpec spec, long from, long to) {
            this.spec = spec;
            this.to = to;
            this.next = from;
            this.sampler = shipped.load();
            Torch.useOneThreadPerTask(); // one task, one thread: the executor's cores go to its tasks
            this.m = sampler.model();
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) t -> close());
            }
        }

        @Override
        public boolean hasNext() {
            if (at < chunk.size()) {
                return true;
            }
            if (next >= to) {
                close();
                return false;
            }
            int count = (int) Math.min(CHUNK, to - next);
            chunk = generate(next, count);
            at = 0;
            next += count;
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return chunk.get(at++);
        }

        private List<Row> generate(long from, int count) {
            float[] x = sampler.sampleIds(spec.seed(), from, count, spec.label());
            int dim = m.dataDim();
            PixelRange range = m.range();
            List<Row> rows = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long id = from + i;
                Integer label = !m.conditional() ? null : spec.label() != null ? spec.label()
                        : (int) (id % m.classes());
                List<Object> values = new ArrayList<>(4);
                values.add(id);
                values.add(label);
                if (spec.png()) {
                    try {
                        values.add(ImageGrid.pngBytes(ImageGrid.single(m, x, i)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                if (spec.pixels()) {
                    float[] p = new float[dim];
                    for (int j = 0; j < dim; j++) {
                        p[j] = (float) range.toZeroOne(x[i * dim + j]);
                    }
                    values.add(p);
                }
                rows.add(RowFactory.create(values.toArray()));
            }
            return rows;
        }

        private void close() {
            if (!closed) {
                closed = true;
                sampler.close();
            }
        }
    }
}
