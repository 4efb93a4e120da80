package io.jgan.checkpoint;

import io.jgan.JganException;
import io.jgan.format.NamedTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * jgan's tensor container: a flat, engine-independent file of named float32 tensors.
 *
 * <p>Layout (little-endian): magic {@code "JGANTNS1"}, int32 count; per tensor: int32 name
 * length, UTF-8 name, int32 rank, int64 dims[rank], float32 data[product(dims)]; then the
 * CRC32 of everything before it as int64. The reader bounds every length by the bytes left in
 * the file, so a corrupt file is a clean error, never a huge allocation.
 */
public final class TensorFile {

    private static final byte[] MAGIC = "JGANTNS1".getBytes(StandardCharsets.US_ASCII);

    private TensorFile() {}

    /**
     * Writes tensors and forces them to disk (the caller renames the folder afterwards).
     *
     * @param file the file to create
     * @param tensors the tensors, in order
     * @throws IOException if writing fails
     */
    public static void write(Path file, List<NamedTensor> tensors) throws IOException {
        long bytes = MAGIC.length + 4 + 8;
        for (NamedTensor t : tensors) {
            bytes += 4 + t.name().getBytes(StandardCharsets.UTF_8).length + 4 + 8L * t.shape().length + 4L * t.data().length;
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new IOException("tensor file over 2 GiB: " + file);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putInt(tensors.size());
        for (NamedTensor t : tensors) {
            if (t.size() != t.data().length) {
                throw new IllegalArgumentException(t.name() + ": shape and data disagree");
            }
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            buf.putInt(name.length).put(name).putInt(t.shape().length);
            for (long d : t.shape()) {
                buf.putLong(d);
            }
            buf.asFloatBuffer().put(t.data());
            buf.position(buf.position() + 4 * t.data().length);
        }
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, buf.position());
        buf.putLong(crc.getValue());
        buf.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /**
     * Reads and verifies a tensor file.
     *
     * @param file the file
     * @return the tensors, in file order
     * @throws JganException (exit code {@link JganException#BAD_CHECKPOINT}) if the file is
     *     missing, truncated, corrupt or not a tensor file
     */
    public static List<NamedTensor> read(Path file) {
        byte[] all;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE) {
                throw corrupt(file, "is over 2 GiB");
            }
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new JganException(JganException.BAD_CHECKPOINT, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return read(all, file);
    }

    /**
     * Reads and verifies a tensor file already in memory (e.g. a resource of the jar).
     *
     * @param all the file's bytes
     * @param file its name, for messages
     * @return the tensors, in file order
     */
    public static List<NamedTensor> read(byte[] all, Path file) {
        if (all.length < MAGIC.length + 4 + 8) {
            throw corrupt(file, "is too short to be a tensor file (truncated)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (all[i] != MAGIC[i]) {
                throw corrupt(file, "is not a jgan tensor file (bad magic)");
            }
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        if (buf.getLong(all.length - 8) != crc.getValue()) {
            throw corrupt(file, "fails its checksum (truncated or damaged)");
        }
        buf.limit(all.length - 8);
        buf.position(MAGIC.length);
        int count = buf.getInt();
        if (count < 0 || count > 100_000) {
            throw corrupt(file, "declares " + count + " tensors");
        }
        List<NamedTensor> out = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                int nameLen = buf.getInt();
                if (nameLen < 0 || nameLen > buf.remaining()) {
                    throw corrupt(file, "has a bad name length");
                }
                byte[] name = new byte[nameLen];
                buf.get(name);
                int rank = buf.getInt();
                if (rank < 0 || rank > 8) {
                    throw corrupt(file, "has a tensor of rank " + rank);
                }
                long[] shape = new long[rank];
                long elements = 1;
                for (int r = 0; r < rank; r++) {
                    shape[r] = buf.getLong();
                    if (shape[r] < 0 || shape[r] > buf.remaining()) {
                        throw corrupt(file, "has a bad dimension " + shape[r]);
                    }
                    elements *= shape[r];
                    if (elements * 4 > buf.remaining()) {
                        throw corrupt(file, "has a tensor larger than the file");
                    }
                }
                float[] data = new float[(int) elements];
                buf.asFloatBuffer().get(data);
                buf.position(buf.position() + 4 * data.length);
                out.add(new NamedTensor(new String(name, StandardCharsets.UTF_8), shape, data));
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw corrupt(file, "ends in the middle of a tensor");
        }
        if (buf.hasRemaining()) {
            throw corrupt(file, "has " + buf.remaining() + " unexpected trailing bytes");
        }
        return out;
    }

    private static JganException corrupt(Path file, String problem) {
        return new JganException(JganException.BAD_CHECKPOINT,
                "checkpoint file " + file + " " + problem + ": use another checkpoint of the run");
    }
}
