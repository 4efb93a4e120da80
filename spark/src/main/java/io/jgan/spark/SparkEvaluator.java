package io.jgan.spark;

import io.jgan.JganException;
import io.jgan.config.PixelRange;
import io.jgan.data.ImageFolderReader;
import io.jgan.data.ImageSet;
import io.jgan.engine.Torch;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.ClassifierInfo;
import io.jgan.eval.DomainClassifier;
import io.jgan.eval.EvalReport;
import io.jgan.eval.Evaluator;
import io.jgan.eval.FeatureStatistics;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * FCD, KID, precision/recall/density/coverage, the classifier score and the class histogram of a
 * {@code Dataset} of images, against the classifier's reference: {@code jgan eval} over a cluster.
 *
 * <p>Each partition runs the classifier (loaded once, one thread) on its images and returns
 * mergeable statistics ({@link FeatureStatistics}: counts, feature sums and outer-product sums,
 * class-probability sums, the argmax histogram), merged by a tree reduce; FCD and the class scores
 * come from all images. KID and the k-NN metrics need the features themselves: each partition
 * keeps the {@link #KEPT} rows with the smallest hash of (seed, key), and the merge keeps the
 * smallest of those, which is the same subsample whatever the partitioning; it is then put in key
 * order (the {@code id}, else the {@code path}). With at most {@link #KEPT} images every image is
 * kept, in the order jgan eval reads them, so the report equals jgan eval's on the same images.
 *
 * <p>Image columns, first found wins: {@code pixels} (floats in [0, 1], C*H*W, measured as the
 * 8-bit image they round to, as jgan eval measures generated samples), {@code png} (jgan-spark
 * sample's), {@code content} (Spark's {@code binaryFile} source: PNG or JPEG bytes). A
 * {@code label} column (int) is each row's asked class: the share classified so is the report's
 * class agreement.
 */
public final class SparkEvaluator {

    /** The most images KID and precision/recall/density/coverage are computed on. */
    public static final int KEPT = 10_000;

    /** Images the classifier takes at once (its batch, see DomainClassifier.run). */
    private static final int BATCH = 500;

    private SparkEvaluator() {}

    /**
     * Evaluates a dataset of images.
     *
     * @param images rows with an image column (see the class comment)
     * @param classifier the quality classifier
     * @param seed KID's subset draws, and the subsample's hash
     * @param description what the images are, for the report's protocol
     * @return the report (no memorisation check: the training set is not at hand)
     * @throws JganException (usage) for a dataset without an image column, before any task
     */
    public static EvalReport evaluate(Dataset<Row> images, ShippedClassifier classifier, long seed,
            String description) {
        Columns cols = Columns.of(images.schema());
        ClassifierInfo info = classifier.info();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(images.sparkSession().sparkContext());
        Broadcast<ShippedClassifier> shipped = jsc.broadcast(classifier);
        int k = info.classes().size();
        Part merged = images.javaRDD()
                .mapPartitions(rows -> List.of(Part.of(rows, shipped.value(), cols, seed)).iterator())
                .treeReduce(Part::merge);
        if (merged.stats == null || merged.stats.count() < 2) {
            throw new JganException(JganException.BAD_DATA, "need at least 2 images to evaluate, found "
                    + (merged.stats == null ? 0 : merged.stats.count()));
        }
        List<Kept> kept = new ArrayList<>(merged.kept);
        kept.sort(Kept::compareTo);
        float[] features = new float[kept.size() * DomainClassifier.FEATURES];
        for (int i = 0; i < kept.size(); i++) {
            System.arraycopy(kept.get(i).features, 0, features, i * DomainClassifier.FEATURES, DomainClassifier.FEATURES);
        }
        assert merged.stats.classes() == k;
        try (ClassifierBundle bundle = classifier.load()) {
            return Evaluator.fromStatistics(bundle, merged.stats, features, kept.size(), null, description, seed);
        }
    }

    /** Which columns hold the image, its key and its asked class. */
    record Columns(String image, Kind kind, String key, boolean numericKey, String label) implements Serializable {

        enum Kind { PIXELS, ENCODED }

        static Columns of(StructType schema) {
            List<String> names = List.of(schema.fieldNames());
            String image;
            Kind kind;
            if (names.contains("pixels") && type(schema, "pixels") instanceof ArrayType) {
                image = "pixels";
                kind = Kind.PIXELS;
            } else if (names.contains("png") && type(schema, "png") instanceof BinaryType) {
                image = "png";
                kind = Kind.ENCODED;
            } else if (names.contains("content") && type(schema, "content") instanceof BinaryType) {
                image = "content";
                kind = Kind.ENCODED;
            } else {
                throw new JganException(JganException.USAGE, "no image column among " + names + ": evaluate a column"
                        + " 'pixels' (array of floats in [0, 1]), 'png' (jgan-spark sample's) or 'content' (Spark's"
                        + " binaryFile source)");
            }
            String key = names.contains("id") ? "id" : names.contains("path") ? "path" : null;
            boolean numeric = key != null && key.equals("id");
            String label = names.contains("label") && type(schema, "label").typeName().equals("integer") ? "label" : null;
            return new Columns(image, kind, key, numeric, label);
        }

        private static DataType type(StructType schema, String name) {
            StructField f = schema.apply(name);
            return f.dataType();
        }
    }

    /** One kept row: its subsample hash, its order key and its features. */
    static final class Kept implements Serializable, Comparable<Kept> {
        private static final long serialVersionUID = 1L;
        final long hash;
        final long numberKey;
        final String textKey;
        final float[] features;

        Kept(long hash, long numberKey, String textKey, float[] features) {
            this.hash = hash;
            this.numberKey = numberKey;
            this.textKey = textKey;
            this.features = features;
        }

        /** Key order: the id, else the path, else the hash. */
        @Override
        public int compareTo(Kept o) {
            if (textKey != null && o.textKey != null) {
                return textKey.compareTo(o.textKey);
            }
            int c = Long.compare(numberKey, o.numberKey);
            return c != 0 ? c : Long.compare(hash, o.hash);
        }
    }

    /** The kept rows' heap order: the largest hash on top, to be dropped first. */
    static final class LargestHashFirst implements java.util.Comparator<Kept>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(Kept a, Kept b) {
            return Long.compare(b.hash, a.hash);
        }
    }

    /** A partition's statistics and its kept rows (a max-heap by hash, at most KEPT). */
    static final class Part implements Serializable {
        private static final long serialVersionUID = 1L;
        FeatureStatistics stats;
        PriorityQueue<Kept> kept = new PriorityQueue<>(new LargestHashFirst());

        static Part of(Iterator<Row> rows, ShippedClassifier shipped, Columns cols, long seed) {
            Part part = new Part();
            if (!rows.hasNext()) {
                return part;
            }
            try (ClassifierBundle bundle = shipped.load()) {
                Torch.useOneThreadPerTask(); // one task, one thread
                ClassifierInfo info = bundle.info();
                int c = info.channels();
                int side = info.side();
                int dim = c * side * side;
                part.stats = new FeatureStatistics(DomainClassifier.FEATURES, info.classes().size());
                float[] batch = new float[BATCH * dim];
                long[] numberKeys = new long[BATCH];
                String[] textKeys = new String[BATCH];
                int[] asked = new int[BATCH];
                boolean anyAsked = false;
                int b = 0;
                while (rows.hasNext()) {
                    Row r = rows.next();
                    float[] px = pixels(r, cols, c, side);
                    System.arraycopy(px, 0, batch, b * dim, dim);
                    // no key column: the image's own content orders it, so the subsample is the same however it is split
                    numberKeys[b] = cols.numericKey() ? r.<Long>getAs(cols.key())
                            : cols.key() == null ? java.util.Arrays.hashCode(px) : 0;
                    textKeys[b] = cols.key() != null && !cols.numericKey() ? r.<String>getAs(cols.key()) : null;
                    asked[b] = cols.label() != null && r.getAs(cols.label()) != null ? r.<Integer>getAs(cols.label()) : -1;
                    anyAsked |= asked[b] >= 0;
                    b++;
                    if (b == BATCH || !rows.hasNext()) {
                        part.add(bundle, batch, b, dim, numberKeys, textKeys, anyAsked ? asked : null, seed);
                        b = 0;
                        anyAsked = false;
                    }
                }
            }
            return part;
        }

        private void add(ClassifierBundle bundle, float[] batch, int b, int dim, long[] numberKeys, String[] textKeys,
                int[] asked, long seed) {
            DomainClassifier.Output out = bundle.classifier().run(java.util.Arrays.copyOf(batch, b * dim), b);
            stats.add(out, asked == null ? null : java.util.Arrays.copyOf(asked, b));
            int d = DomainClassifier.FEATURES;
            for (int i = 0; i < b; i++) {
                long h = textKeys[i] != null ? mix(seed, textKeys[i].hashCode() * 0x9E3779B97F4A7C15L + textKeys[i].length())
                        : mix(seed, numberKeys[i]);
                if (wanted(h)) {
                    offer(new Kept(h, numberKeys[i], textKeys[i],
                            java.util.Arrays.copyOfRange(out.features(), i * d, (i + 1) * d)));
                }
            }
        }

        Part merge(Part o) {
            if (o.stats != null) {
                stats = stats == null ? o.stats : stats.merge(o.stats);
            }
            for (Kept x : o.kept) {
                offer(x);
            }
            return this;
        }

        /** Whether a row of this hash would be kept (checked before its features are copied). */
        private boolean wanted(long hash) {
            return kept.size() < KEPT || hash < kept.peek().hash;
        }

        /** Keeps a row if its hash is among the KEPT smallest so far. */
        private void offer(Kept x) {
            if (wanted(x.hash)) {
                kept.add(x);
                if (kept.size() > KEPT) {
                    kept.poll();
                }
            }
        }
    }

    /** A row's image as floats in [0, 1], checked against the classifier's input shape. */
    static float[] pixels(Row r, Columns cols, int c, int side) {
        int dim = c * side * side;
        if (cols.kind() == Columns.Kind.PIXELS) {
            List<Object> v = r.getList(r.fieldIndex(cols.image()));
            if (v.size() != dim) {
                throw new JganException(JganException.BAD_DATA, "an image of " + v.size() + " values: the classifier"
                        + " takes " + c + "x" + side + "x" + side + " (" + dim + "): give --classifier for images of this"
                        + " shape");
            }
            float[] px = new float[dim];
            for (int j = 0; j < dim; j++) {
                // measured as the 8-bit image it rounds to, as jgan eval measures generated samples
                px[j] = PixelRange.UNIT.toByte(((Number) v.get(j)).floatValue()) / 255f;
            }
            return px;
        }
        byte[] bytes = r.getAs(cols.image());
        String name = cols.key() != null ? String.valueOf((Object) r.getAs(cols.key())) : "an image";
        ImageSet img = ImageFolderReader.decodeOne(bytes, c, name);
        if (img.rows() != side || img.cols() != side) {
            throw new JganException(JganException.BAD_DATA, name + " is " + img.cols() + "x" + img.rows()
                    + ": the classifier takes " + side + "x" + side + " images (give --classifier for images of this"
                    + " size)");
        }
        byte[] p = img.pixels();
        float[] px = new float[dim];
        for (int j = 0; j < dim; j++) {
            px[j] = PixelRange.UNIT.toUnit(p[j] & 0xff);
        }
        return px;
    }

    /** SplitMix64 of (seed, key): the subsample's order, independent of partitioning. */
    static long mix(long seed, long key) {
        long x = seed * 0xD1B54A32D192ED03L + key * 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }
}
