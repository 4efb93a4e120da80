package io.jgan.format;

import com.google.protobuf.CodedOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file ({@code events.out.tfevents.<seconds>.<host>}), written the way
 * TensorBoard reads it: TFRecord framing (little-endian uint64 length, masked CRC32C of the length,
 * the data, masked CRC32C of the data) around {@code tensorflow.Event} messages, encoded with
 * protobuf's {@code CodedOutputStream} and the field numbers of TensorBoard's published schema
 * ({@code event.proto}, {@code summary.proto}, {@code tensor.proto}). The first event carries
 * {@code file_version = "brain.Event:2"}; wall time is in seconds.
 *
 * <p>A file cut short (a killed process) stays readable up to its last whole record: records are
 * appended whole and nothing is ever rewritten.
 */
public final class EventFile implements Closeable {

    // tensorflow.Event
    private static final int EVENT_WALL_TIME = 1;
    private static final int EVENT_STEP = 2;
    private static final int EVENT_FILE_VERSION = 3;
    private static final int EVENT_SUMMARY = 5;
    private static final int EVENT_SESSION_LOG = 7;
    // tensorflow.SessionLog
    private static final int SESSION_LOG_STATUS = 1;
    /** SessionLog.SessionStatus.START. */
    private static final int SESSION_START = 1;
    // tensorflow.Summary and Summary.Value
    private static final int SUMMARY_VALUE = 1;
    private static final int VALUE_TAG = 1;
    private static final int VALUE_SIMPLE_VALUE = 2;
    private static final int VALUE_IMAGE = 4;
    private static final int VALUE_HISTO = 5;
    private static final int VALUE_TENSOR = 8;
    private static final int VALUE_METADATA = 9;
    // Summary.Image
    private static final int IMAGE_HEIGHT = 1;
    private static final int IMAGE_WIDTH = 2;
    private static final int IMAGE_COLORSPACE = 3;
    private static final int IMAGE_ENCODED = 4;
    // tensorflow.HistogramProto
    private static final int HISTO_MIN = 1;
    private static final int HISTO_MAX = 2;
    private static final int HISTO_NUM = 3;
    private static final int HISTO_SUM = 4;
    private static final int HISTO_SUM_SQUARES = 5;
    private static final int HISTO_BUCKET_LIMIT = 6;
    private static final int HISTO_BUCKET = 7;
    // tensorflow.TensorProto, TensorShapeProto, SummaryMetadata, PluginData
    private static final int TENSOR_DTYPE = 1;
    private static final int TENSOR_SHAPE = 2;
    private static final int TENSOR_STRING_VAL = 8;
    private static final int DT_STRING = 7;
    private static final int METADATA_PLUGIN_DATA = 1;
    private static final int PLUGIN_NAME = 1;

    private static final int MASK_DELTA = 0xa282ead8;

    private final Path path;
    private final OutputStream out;

    /**
     * Creates {@code dir/events.out.tfevents.<now>.<this host>} and writes its file-version event.
     *
     * @param dir the folder (created if missing)
     * @throws IOException if it cannot be created
     */
    public EventFile(Path dir) throws IOException {
        this(dir, now(), hostName());
    }

    /**
     * Seconds since the epoch, the wall time TensorBoard events carry.
     *
     * @return now
     */
    public static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    /**
     * This machine's name, reduced to characters safe in a file name.
     *
     * @return the host name
     */
    public static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * Creates {@code dir/events.out.tfevents.<seconds>.<host>} and writes its file-version event.
     *
     * @param dir the folder (created if missing)
     * @param wallTimeSeconds the time written into the name and the first event
     * @param host the host name in the file name
     * @throws IOException if it cannot be created
     */
    public EventFile(Path dir, double wallTimeSeconds, String host) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(String.format("events.out.tfevents.%d.%s", (long) wallTimeSeconds, host));
        for (int k = 1; Files.exists(file); k++) { // two starts within one second: keep both files
            file = dir.resolve(String.format("events.out.tfevents.%d.%s.%d", (long) wallTimeSeconds, host, k));
        }
        this.path = file;
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        byte[] version = message(o -> o.writeString(EVENT_FILE_VERSION, "brain.Event:2"));
        writeEvent(wallTimeSeconds, 0, version);
    }

    /** @return the file */
    public Path path() {
        return path;
    }

    /**
     * Writes scalar summaries, one value per tag, in one event.
     *
     * @param wallTime seconds since the epoch
     * @param step the step
     * @param values tag to value, in order
     * @throws IOException if writing fails
     */
    public void scalars(double wallTime, long step, Map<String, Double> values) throws IOException {
        byte[] summary = message(o -> {
            for (Map.Entry<String, Double> v : values.entrySet()) {
                o.writeByteArray(SUMMARY_VALUE, message(val -> {
                    val.writeString(VALUE_TAG, v.getKey());
                    val.writeFloat(VALUE_SIMPLE_VALUE, v.getValue().floatValue());
                }));
            }
        });
        summaryEvent(wallTime, step, summary);
    }

    /**
     * Writes a PNG image summary.
     *
     * @param wallTime seconds since the epoch
     * @param step the step
     * @param tag the tag
     * @param png the encoded PNG
     * @param width its width
     * @param height its height
     * @param channels 1 (gray), 3 (RGB) or 4 (RGBA): the colour space TensorBoard is told
     * @throws IOException if writing fails
     */
    public void image(double wallTime, long step, String tag, byte[] png, int width, int height, int channels)
            throws IOException {
        byte[] image = message(o -> {
            o.writeInt32(IMAGE_HEIGHT, height);
            o.writeInt32(IMAGE_WIDTH, width);
            o.writeInt32(IMAGE_COLORSPACE, channels);
            o.writeByteArray(IMAGE_ENCODED, png);
        });
        summaryEvent(wallTime, step, message(o -> o.writeByteArray(SUMMARY_VALUE, message(v -> {
            v.writeString(VALUE_TAG, tag);
            v.writeByteArray(VALUE_IMAGE, image);
        }))));
    }

    /**
     * Writes a histogram summary.
     *
     * @param wallTime seconds since the epoch
     * @param step the step
     * @param tag the tag
     * @param h the histogram
     * @throws IOException if writing fails
     */
    public void histogram(double wallTime, long step, String tag, Histogram h) throws IOException {
        byte[] histo = message(o -> {
            o.writeDouble(HISTO_MIN, h.min());
            o.writeDouble(HISTO_MAX, h.max());
            o.writeDouble(HISTO_NUM, h.count());
            o.writeDouble(HISTO_SUM, h.sum());
            o.writeDouble(HISTO_SUM_SQUARES, h.sumSquares());
            writePackedDoubles(o, HISTO_BUCKET_LIMIT, h.bucketLimits());
            writePackedDoubles(o, HISTO_BUCKET, h.bucketCounts());
        });
        summaryEvent(wallTime, step, message(o -> o.writeByteArray(SUMMARY_VALUE, message(v -> {
            v.writeString(VALUE_TAG, tag);
            v.writeByteArray(VALUE_HISTO, histo);
        }))));
    }

    /**
     * Writes a text summary (TensorBoard's text plugin: a scalar string tensor), shown as Markdown.
     *
     * @param wallTime seconds since the epoch
     * @param step the step
     * @param tag the tag
     * @param text the text
     * @throws IOException if writing fails
     */
    public void text(double wallTime, long step, String tag, String text) throws IOException {
        byte[] tensor = message(o -> {
            o.writeEnum(TENSOR_DTYPE, DT_STRING);
            o.writeByteArray(TENSOR_SHAPE, new byte[0]); // no dimensions: a scalar
            o.writeByteArray(TENSOR_STRING_VAL, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
        byte[] metadata = message(o -> o.writeByteArray(METADATA_PLUGIN_DATA,
                message(p -> p.writeString(PLUGIN_NAME, "text"))));
        summaryEvent(wallTime, step, message(o -> o.writeByteArray(SUMMARY_VALUE, message(v -> {
            v.writeString(VALUE_TAG, tag);
            v.writeByteArray(VALUE_METADATA, metadata);
            v.writeByteArray(VALUE_TENSOR, tensor);
        }))));
    }

    /**
     * Writes a SessionLog START at a step: TensorBoard then drops the events of an earlier session
     * at this step and after (those a resumed run writes again).
     *
     * @param wallTime seconds since the epoch
     * @param step the first step this session writes
     * @throws IOException if writing fails
     */
    public void sessionStart(double wallTime, long step) throws IOException {
        writeEvent(wallTime, step, message(o -> o.writeByteArray(EVENT_SESSION_LOG,
                message(s -> s.writeEnum(SESSION_LOG_STATUS, SESSION_START)))));
    }

    /**
     * Pushes what is buffered to the file.
     *
     * @throws IOException if writing fails
     */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void summaryEvent(double wallTime, long step, byte[] summary) throws IOException {
        writeEvent(wallTime, step, message(o -> o.writeByteArray(EVENT_SUMMARY, summary)));
    }

    /** An Event: wall time, step, then the one field of its {@code what}, given encoded. */
    private void writeEvent(double wallTime, long step, byte[] what) throws IOException {
        byte[] event = message(o -> {
            o.writeDouble(EVENT_WALL_TIME, wallTime);
            o.writeInt64(EVENT_STEP, step);
            o.writeRawBytes(what);
        });
        writeRecord(out, event);
    }

    /**
     * Frames one record: uint64 length, masked CRC32C of those 8 bytes, the data, masked CRC32C of
     * the data, all little-endian.
     *
     * @param out where
     * @param data the record
     * @throws IOException if writing fails
     */
    static void writeRecord(OutputStream out, byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(length);
        out.write(le32(maskedCrc(length)));
        out.write(data);
        out.write(le32(maskedCrc(data)));
    }

    /**
     * TFRecord's masked CRC32C: rotate right by 15 bits, then add a constant.
     *
     * @param data the bytes
     * @return the masked checksum
     */
    static int maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static void writePackedDoubles(CodedOutputStream o, int field, double[] values) throws IOException {
        o.writeTag(field, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(values.length * 8);
        for (double v : values) {
            o.writeDoubleNoTag(v);
        }
    }

    /** Writes one message's fields. */
    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(bytes);
        fields.write(o);
        o.flush();
        return bytes.toByteArray();
    }

    /**
     * A histogram in TensorBoard's form: bucket i counts the values in (limit[i-1], limit[i]].
     *
     * @param min smallest value
     * @param max largest value
     * @param count how many values
     * @param sum their sum
     * @param sumSquares their sum of squares
     * @param bucketLimits right edges, increasing
     * @param bucketCounts counts per bucket
     */
    public record Histogram(double min, double max, double count, double sum, double sumSquares, double[] bucketLimits,
            double[] bucketCounts) {

        /**
         * Bins values into {@code buckets} equal-width buckets between their min and max.
         *
         * @param values the values (at least one)
         * @param buckets how many buckets
         * @return the histogram
         */
        public static Histogram of(float[] values, int buckets) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            double sumSquares = 0;
            for (float v : values) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                sumSquares += (double) v * v;
            }
            double width = max > min ? (max - min) / buckets : 1;
            double[] limits = new double[buckets];
            for (int i = 0; i < buckets; i++) {
                limits[i] = min + width * (i + 1);
            }
            limits[buckets - 1] = Math.max(limits[buckets - 1], max);
            double[] counts = new double[buckets];
            for (float v : values) {
                int i = (int) Math.ceil((v - min) / width) - 1; // (limit[i-1], limit[i]]
                counts[Math.max(0, Math.min(buckets - 1, i))]++;
            }
            return new Histogram(min, max, values.length, sum, sumSquares, limits, counts);
        }
    }
}
