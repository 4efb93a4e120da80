package io.jgan.format;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A decoder for TensorBoard event files written independently of jgan's writer, for the tests:
 * TFRecord framing with both checksums verified, then {@code tensorflow.Event} messages decoded
 * field by field with protobuf's {@code CodedInputStream}, by the field numbers of TensorBoard's
 * {@code event.proto} and {@code summary.proto}.
 */
public final class TfEvents {

    private TfEvents() {}

    /** A decoded Event: its step, wall time, and whichever of its fields were set. */
    public record Event(double wallTime, long step, String fileVersion, int sessionStatus, List<Value> values) {}

    /** A decoded Summary.Value. */
    public record Value(String tag, Float simpleValue, Image image, Histo histo, String text, String plugin) {}

    /** A decoded Summary.Image. */
    public record Image(int height, int width, int colorspace, byte[] png) {}

    /** A decoded HistogramProto. */
    public record Histo(double min, double max, double num, double sum, double sumSquares, double[] limits,
            double[] counts) {}

    /** What a file held: its whole records, and whether it ended in a partial one. */
    public record Contents(List<Event> events, boolean truncated) {}

    /**
     * Reads a file's records up to the last whole one.
     *
     * @param file the event file
     * @return the events
     * @throws IOException if unreadable
     * @throws IllegalStateException if a checksum is wrong
     */
    public static Contents read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 12) {
                return new Contents(events, true);
            }
            byte[] lengthBytes = new byte[8];
            b.get(lengthBytes);
            int lengthCrc = b.getInt();
            check(masked(lengthBytes) == lengthCrc, "length checksum", events.size());
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (b.remaining() < length + 4) {
                return new Contents(events, true);
            }
            byte[] data = new byte[(int) length];
            b.get(data);
            check(masked(data) == b.getInt(), "data checksum", events.size());
            events.add(event(data));
        }
        return new Contents(events, false);
    }

    private static void check(boolean ok, String what, int record) {
        if (!ok) {
            throw new IllegalStateException("record " + record + ": wrong " + what);
        }
    }

    /** TFRecord's mask over CRC32C, written out here rather than taken from the writer. */
    static int masked(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        long c = crc.getValue();
        long rotated = ((c >>> 15) | (c << 17)) & 0xffffffffL;
        return (int) ((rotated + 0xa282ead8L) & 0xffffffffL);
    }

    private static Event event(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        double wallTime = 0;
        long step = 0;
        String version = null;
        int status = 0;
        List<Value> values = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> wallTime = in.readDouble();
                case 2 -> step = in.readInt64();
                case 3 -> version = in.readString();
                case 5 -> values = summary(in.readBytes().toByteArray());
                case 7 -> status = sessionStatus(in.readBytes().toByteArray());
                default -> in.skipField(tag);
            }
        }
        return new Event(wallTime, step, version, status, values);
    }

    private static int sessionStatus(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        int status = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                status = in.readEnum();
            } else {
                in.skipField(tag);
            }
        }
        return status;
    }

    private static List<Value> summary(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        List<Value> out = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                out.add(value(in.readBytes().toByteArray()));
            } else {
                in.skipField(tag);
            }
        }
        return out;
    }

    private static Value value(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        String tag = null;
        Float simple = null;
        Image image = null;
        Histo histo = null;
        String text = null;
        String plugin = null;
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> tag = in.readString();
                case 2 -> simple = in.readFloat();
                case 4 -> image = image(in.readBytes().toByteArray());
                case 5 -> histo = histo(in.readBytes().toByteArray());
                case 8 -> text = tensorString(in.readBytes().toByteArray());
                case 9 -> plugin = pluginName(in.readBytes().toByteArray());
                default -> in.skipField(t);
            }
        }
        return new Value(tag, simple, image, histo, text, plugin);
    }

    private static Image image(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        int h = 0;
        int w = 0;
        int c = 0;
        byte[] png = null;
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> h = in.readInt32();
                case 2 -> w = in.readInt32();
                case 3 -> c = in.readInt32();
                case 4 -> png = in.readBytes().toByteArray();
                default -> in.skipField(t);
            }
        }
        return new Image(h, w, c, png);
    }

    private static Histo histo(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        double[] f = new double[5];
        List<double[]> packed = new ArrayList<>(List.of(new double[0], new double[0]));
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(t);
            if (field >= 1 && field <= 5) {
                f[field - 1] = in.readDouble();
            } else if (field == 6 || field == 7) {
                byte[] bytes = in.readBytes().toByteArray();
                double[] v = new double[bytes.length / 8];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
                packed.set(field - 6, v);
            } else {
                in.skipField(t);
            }
        }
        return new Histo(f[0], f[1], f[2], f[3], f[4], packed.get(0), packed.get(1));
    }

    private static String tensorString(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        String s = null;
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (WireFormat.getTagFieldNumber(t) == 8) {
                s = new String(in.readBytes().toByteArray(), StandardCharsets.UTF_8);
            } else {
                in.skipField(t);
            }
        }
        return s;
    }

    private static String pluginName(byte[] metadata) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(metadata);
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (WireFormat.getTagFieldNumber(t) == 1) {
                CodedInputStream p = CodedInputStream.newInstance(in.readBytes().toByteArray());
                for (int u = p.readTag(); u != 0; u = p.readTag()) {
                    if (WireFormat.getTagFieldNumber(u) == 1) {
                        return p.readString();
                    }
                    p.skipField(u);
                }
            } else {
                in.skipField(t);
            }
        }
        return null;
    }
}
