package io.jgan.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jgan.JganException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face), which PyTorch users read with
 * {@code safetensors.torch.load_file}: an unsigned 64-bit little-endian header length N, N bytes
 * of UTF-8 JSON, then the data buffer.
 *
 * <pre>
 * {"__metadata__": {"key": "string", ...},
 *  "hidden0.0.weight": {"dtype": "F32", "shape": [256, 100], "data_offsets": [BEGIN, END]}, ...}
 * </pre>
 *
 * <p>Offsets count bytes from the start of the data buffer; tensors are row-major, little-endian,
 * and together cover the buffer without gaps or overlaps. jgan writes F32 and reads F32, F64,
 * F16 and BF16 (converted to float); integer tensors (PyTorch's batch-norm
 * {@code num_batches_tracked}) are read as tensors without float data, so that a caller can name
 * them and skip them. Every length is checked against the file before anything is allocated, so
 * a damaged file is a one-line error (exit 4), never an out-of-memory crash.
 */
public final class SafeTensors {

    /** The header's metadata key. */
    public static final String METADATA = "__metadata__";
    /** The safetensors library's own bound on the header (100 MB). */
    static final long MAX_HEADER = 100L * 1024 * 1024;

    private static final ObjectMapper STRICT = new ObjectMapper();

    private SafeTensors() {}

    /**
     * A tensor of the file: float data, or {@code null} data for an integer dtype.
     *
     * @param name the key
     * @param dtype e.g. {@code F32}
     * @param shape dimensions
     * @param data row-major values converted to float, or {@code null} for integer dtypes
     */
    public record Entry(String name, String dtype, long[] shape, float[] data) {

        /**
         * Returns the tensor as a jgan tensor.
         *
         * @return the named float tensor
         * @throws IllegalStateException for an integer tensor
         */
        public NamedTensor toNamedTensor() {
            if (data == null) {
                throw new IllegalStateException(name + " is an integer tensor");
            }
            return new NamedTensor(name, shape, data);
        }
    }

    /**
     * A whole file: tensors in data order, and the header's metadata.
     *
     * @param tensors by name, in the order of their data
     * @param metadata the {@code __metadata__} strings (empty if absent)
     */
    public record Contents(Map<String, Entry> tensors, Map<String, String> metadata) {}

    /**
     * Writes float32 tensors and metadata, atomically: a temporary file beside the target, forced
     * to disk, then renamed, so a failed write leaves no half-written file.
     *
     * @param file the file to write (replaced if it exists)
     * @param tensors the tensors, in order
     * @param metadata string pairs for {@code __metadata__}
     * @throws IOException if writing fails
     */
    public static void write(Path file, List<NamedTensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = STRICT.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (NamedTensor t : tensors) {
            if (t.size() != t.data().length) {
                throw new IllegalArgumentException(t.name() + ": shape and data disagree");
            }
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", "F32");
            var shape = e.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long bytes = 4L * t.data().length;
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = STRICT.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // spaces to an 8-byte boundary, as the reference writer does
        long total = 8L + padded + offset;
        if (total > Integer.MAX_VALUE) {
            throw new IOException("safetensors file over 2 GiB: " + file);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (NamedTensor t : tensors) {
            buf.asFloatBuffer().put(t.data());
            buf.position(buf.position() + 4 * t.data().length);
        }
        buf.flip();
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads and checks a safetensors file.
     *
     * @param file the file
     * @return its tensors and metadata
     * @throws JganException (exit 4) naming what is wrong with the file
     */
    public static Contents read(Path file) {
        byte[] all;
        try {
            if (!Files.isRegularFile(file)) {
                throw new JganException(JganException.BAD_CHECKPOINT, "weights file not found: " + file);
            }
            if (Files.size(file) > Integer.MAX_VALUE) {
                throw bad(file, "is over 2 GiB, more than jgan reads");
            }
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new JganException(JganException.BAD_CHECKPOINT, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return read(all, file);
    }

    /**
     * Reads and checks a safetensors file already in memory.
     *
     * @param all the file's bytes
     * @param file its name, for messages
     * @return its tensors and metadata
     */
    public static Contents read(byte[] all, Path file) {
        if (all.length < 8) {
            throw bad(file, "is " + all.length + " bytes long, too short for a header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong(0);
        if (headerLength < 0 || headerLength > all.length - 8L) {
            throw bad(file, "declares a header of " + Long.toUnsignedString(headerLength) + " bytes but has only "
                    + (all.length - 8) + " after the length (truncated, or not a safetensors file)");
        }
        if (headerLength > MAX_HEADER) {
            throw bad(file, "declares a header of " + headerLength + " bytes, over the format's 100 MB limit");
        }
        JsonNode header;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(all, 8, (int) headerLength)).toString();
            header = STRICT.readTree(text);
        } catch (CharacterCodingException e) {
            throw bad(file, "has a header that is not UTF-8 text");
        } catch (JsonProcessingException e) {
            throw bad(file, "has a header that is not JSON (" + firstLine(e.getOriginalMessage()) + ")");
        }
        if (header == null || !header.isObject()) {
            throw bad(file, "has a header that is not a JSON object");
        }
        int dataStart = 8 + (int) headerLength;
        long dataLength = all.length - (long) dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Slot> slots = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA)) {
                readMetadata(f.getValue(), metadata, file);
            } else {
                slots.add(slot(f.getKey(), f.getValue(), dataLength, file));
            }
        }
        slots.sort(Comparator.comparingLong(Slot::begin));
        long covered = 0;
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            if (s.begin() < covered) {
                throw bad(file, "has tensors " + slots.get(i - 1).name() + " and " + s.name() + " whose data overlap");
            }
            if (s.begin() > covered) {
                throw bad(file, "has " + (s.begin() - covered) + " bytes of data that belong to no tensor, before "
                        + s.name());
            }
            covered = s.end();
        }
        if (covered != dataLength) {
            throw bad(file, "has " + (dataLength - covered) + " bytes after its last tensor's data");
        }
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (Slot s : slots) {
            tensors.put(s.name(), new Entry(s.name(), s.dtype(), s.shape(), decode(buf, dataStart, s)));
        }
        return new Contents(tensors, metadata);
    }

    /** Where one tensor's bytes lie. */
    private record Slot(String name, String dtype, long[] shape, long begin, long end) {}

    private static void readMetadata(JsonNode node, Map<String, String> out, Path file) {
        if (!node.isObject()) {
            throw bad(file, "has __metadata__ that is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw bad(file, "has metadata " + m.getKey() + " that is not a string (the format allows strings only)");
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Slot slot(String name, JsonNode e, long dataLength, Path file) {
        if (!e.isObject() || !e.path("dtype").isTextual() || !e.path("shape").isArray()
                || !e.path("data_offsets").isArray() || e.path("data_offsets").size() != 2) {
            throw bad(file, "has tensor " + name + " without a dtype, a shape and two data_offsets");
        }
        String dtype = e.get("dtype").asText();
        int width = elementBytes(dtype);
        if (width == 0) {
            throw bad(file, "has tensor " + name + " of dtype " + dtype
                    + ", which jgan does not read (it reads F32, F64, F16 and BF16)");
        }
        JsonNode dims = e.get("shape");
        if (dims.size() > 8) {
            throw bad(file, "has tensor " + name + " of rank " + dims.size());
        }
        long[] shape = new long[dims.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = dims.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > dataLength) {
                throw bad(file, "has tensor " + name + " with a bad dimension " + d);
            }
            shape[i] = d.asLong();
            elements *= shape[i];
            if (elements > dataLength) {
                throw bad(file, "has tensor " + name + " larger than the file's data");
            }
        }
        JsonNode b = e.get("data_offsets").get(0);
        JsonNode en = e.get("data_offsets").get(1);
        if (!b.isIntegralNumber() || !en.isIntegralNumber() || !b.canConvertToLong() || !en.canConvertToLong()) {
            throw bad(file, "has tensor " + name + " with data_offsets that are not integers");
        }
        long begin = b.asLong();
        long end = en.asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw bad(file, "has tensor " + name + " with data_offsets [" + begin + ", " + end
                    + "] outside the data (" + dataLength + " bytes)");
        }
        if (end - begin != elements * width) {
            throw bad(file, "has tensor " + name + " whose data_offsets span " + (end - begin) + " bytes but whose "
                    + dtype + " shape needs " + elements * width);
        }
        return new Slot(name, dtype, shape, begin, end);
    }

    /** Bytes per element of a dtype jgan reads; 0 for any other. */
    private static int elementBytes(String dtype) {
        return switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16" -> 2;
            default -> 0;
        };
    }

    private static float[] decode(ByteBuffer buf, int dataStart, Slot s) {
        int n = (int) ((s.end() - s.begin()) / elementBytes(s.dtype()));
        int at = dataStart + (int) s.begin();
        float[] out = new float[n];
        switch (s.dtype()) {
            case "F32" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = buf.getFloat(at + 4 * i);
                }
            }
            case "F64" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) buf.getDouble(at + 8 * i);
                }
            }
            case "F16" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(buf.getShort(at + 2 * i));
                }
            }
            case "BF16" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((buf.getShort(at + 2 * i) & 0xffff) << 16);
                }
            }
            default -> {
                return null; // integer tensors: counters such as num_batches_tracked
            }
        }
        return out;
    }

    /**
     * IEEE 754 binary16 to float (Java 17 has no {@code Float.float16ToFloat}); exact for every
     * value, subnormals, infinities and NaN included.
     *
     * @param bits the half-precision bits
     * @return the same value as a float
     */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa x 2^-24, exact in float
            float v = mantissa * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static JganException bad(Path file, String problem) {
        return new JganException(JganException.BAD_CHECKPOINT, "bad safetensors file " + file + ": " + problem);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
