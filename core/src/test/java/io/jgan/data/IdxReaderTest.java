package io.jgan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jgan.JganException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid IDX files load; every kind of bad file is refused with a message naming the problem. */
class IdxReaderTest {

    @TempDir
    Path dir;

    /** An IDX3 images file: magic 0x803, n, rows, cols (big-endian), then n*rows*cols bytes. */
    static byte[] images(int magic, int n, int rows, int cols, int payloadBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + payloadBytes);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < payloadBytes; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsPlainAndGzippedImages() throws IOException {
        byte[] raw = images(0x803, 3, 2, 2, 12);
        for (Path f : new Path[] {write("a-idx3-ubyte", raw), write("b-idx3-ubyte.gz", gzip(raw))}) {
            ImageSet set = IdxReader.readImages(f);
            assertThat(set.count()).isEqualTo(3);
            assertThat(set.rows()).isEqualTo(2);
            assertThat(set.cols()).isEqualTo(2);
            assertThat(set.pixels()).isEqualTo(Arrays.copyOfRange(raw, 16, 28));
        }
    }

    @Test
    void readsLabels() throws IOException {
        byte[] raw = ByteBuffer.allocate(11).putInt(0x801).putInt(3).put((byte) 7).put((byte) 0).put((byte) 9).array();
        assertThat(IdxReader.readLabels(write("l-idx1-ubyte.gz", gzip(raw)))).containsExactly(7, 0, 9);
    }

    /** Colour images as jgan writes them: rank 4, (N, C, H, W), magic 0x804, plain or gzipped. */
    @Test
    void colourImagesRoundTripAsRankFour() throws IOException {
        byte[] px = new byte[2 * 3 * 4 * 5];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        for (String name : new String[] {"colour-idx", "colour-idx.gz"}) {
            Path f = dir.resolve(name);
            io.jgan.format.IdxWriter.writeImages(f, 2, 3, 4, 5, px);
            ImageSet s = IdxReader.readImages(f);
            assertThat(s.count()).isEqualTo(2);
            assertThat(s.channels()).isEqualTo(3);
            assertThat(s.rows()).isEqualTo(4);
            assertThat(s.cols()).isEqualTo(5);
            assertThat(s.pixels()).isEqualTo(px);
        }
        assertThat(Files.size(dir.resolve("colour-idx"))).isEqualTo(20 + px.length); // 5 header ints, then pixels
        ByteBuffer b = ByteBuffer.allocate(20 + 2 * 2 * 4 * 5).putInt(0x804).putInt(2).putInt(2).putInt(4).putInt(5);
        Path two = dir.resolve("two-channels");
        Files.write(two, b.array());
        assertBad(two, "2 channels", "1 (gray) or 3 (RGB)");
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        Path f = write("x-idx3-ubyte", images(0x801, 3, 2, 2, 12));
        assertBad(f, "magic number 2049 is not an IDX images file", "swapped");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] raw = images(0x803, 3, 2, 2, 12);
        assertBad(write("t-idx3-ubyte", Arrays.copyOf(raw, 20)), "truncated");
        assertBad(write("t-idx3-ubyte.gz", gzip(Arrays.copyOf(raw, 20))), "truncated");
        assertBad(write("h-idx3-ubyte", Arrays.copyOf(raw, 7)), "too short to hold an IDX header");
    }

    @Test
    void rejectsHeaderThatDisagreesWithFileSize() throws IOException {
        // header says 3 images of 2x2 (12 bytes) but 20 bytes follow
        assertBad(write("m-idx3-ubyte", images(0x803, 3, 2, 2, 20)), "header and data disagree");
        assertBad(write("m-idx3-ubyte.gz", gzip(images(0x803, 3, 2, 2, 20))), "more data than its header declares");
    }

    @Test
    void rejectsAbsurdDimensionsWithoutAllocating() throws IOException {
        // 2^31 images of 28x28 would ask for 1.6 TB; must fail on the header, not with OutOfMemoryError
        assertBad(write("big-idx3-ubyte.gz", gzip(images(0x803, Integer.MAX_VALUE, 28, 28, 0))), "absurd");
        assertBad(write("neg-idx3-ubyte", images(0x803, -1, 65536, 65536, 0)), "absurd");
        assertBad(write("zero-idx3-ubyte", images(0x803, 0, 28, 28, 0)), "empty");
    }

    @Test
    void rejectsFileNamedGzThatIsNotGzip() throws IOException {
        assertBad(write("n-idx3-ubyte.gz", images(0x803, 3, 2, 2, 12)), "not gzip-compressed");
    }

    @Test
    void rejectsCorruptGzip() throws IOException {
        byte[] gz = gzip(images(0x803, 300, 28, 28, 300 * 784));
        for (int i = 40; i < 80; i++) {
            gz[i] ^= 0x5a; // scramble the deflate stream after the gzip header
        }
        assertBad(write("c-idx3-ubyte.gz", gz), "gzip");
    }

    @Test
    void missingFileIsAUserError() {
        assertBad(dir.resolve("nope-idx3-ubyte"), "not found");
    }

    private static void assertBad(Path f, String... fragments) {
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .isInstanceOf(JganException.class)
                .satisfies(e -> assertThat(((JganException) e).exitCode()).isEqualTo(JganException.BAD_DATA))
                .hasMessageContaining(f.getFileName().toString())
                .hasMessageContainingAll(fragments);
    }
}
