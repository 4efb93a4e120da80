package io.jgan.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.JganException;
import io.jgan.config.GanConfig;
import io.jgan.data.IdxReader;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.model.Family;
import io.jgan.sample.Sampler;
import io.jgan.train.Checkpointer;
import io.jgan.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded fuzzing of the two readers that take files from users: random and mutated IDX files and
 * checkpoints. The only failure allowed is the clean {@link JganException}; any other exception
 * (or an OutOfMemoryError) fails the test and prints the seed of the offending case.
 */
public class ReaderFuzzTest {

    private static final int CASES = 300;

    @TempDir
    Path tmp;

    @Test
    void idxReaderOnlyEverFailsCleanly() throws Exception {
        byte[] valid = ByteBuffer.allocate(16 + 5 * 4 * 4).putInt(0x803).putInt(5).putInt(4).putInt(4).array();
        byte[] validGz = gzip(valid);
        Random rng = new Random(1);
        int accepted = 0;
        for (int c = 0; c < CASES; c++) {
            boolean gz = rng.nextBoolean();
            byte[] bytes = mutate(gz ? validGz : valid, rng);
            Path f = Files.write(tmp.resolve("f" + c + (gz ? "-idx3-ubyte.gz" : "-idx3-ubyte")), bytes);
            if (onlyCleanFailures(c, () -> IdxReader.readImages(f))) {
                accepted++;
            }
        }
        assertThat(accepted).as("some mutations (e.g. of pixel bytes) still give a valid file").isPositive();
    }

    @Test
    void checkpointReaderOnlyEverFailsCleanly() throws Exception {
        GanConfig toy = Family.toy(0, 0.2, 2);
        Samples samples = TrainingData.load(toy.data(), toy.model(), 0);
        Path good;
        try (Trainer trainer = Trainer.gan(toy, samples)) {
            trainer.fit();
            good = new Checkpointer(tmp.resolve("good/checkpoints"), 0, 1).save(trainer);
        }
        List<String> files = List.of("checkpoint.json", "generator.tensors");
        Random rng = new Random(2);
        for (int c = 0; c < CASES; c++) {
            Path dir = Files.createDirectories(tmp.resolve("case" + c));
            for (String name : List.of("checkpoint.json", "generator.tensors", "discriminator.tensors",
                    "adam-generator.tensors", "adam-discriminator.tensors", "fixed-noise.tensors")) {
                Files.copy(good.resolve(name), dir.resolve(name));
            }
            String victim = files.get(rng.nextInt(files.size()));
            byte[] bytes = Files.readAllBytes(dir.resolve(victim));
            if (victim.endsWith(".json") && rng.nextBoolean()) {
                bytes = mutateJsonNumber(new String(bytes, StandardCharsets.UTF_8), rng).getBytes(StandardCharsets.UTF_8);
            } else {
                bytes = mutate(bytes, rng);
            }
            Files.write(dir.resolve(victim), bytes);
            onlyCleanFailures(c, () -> {
                try (Sampler s = Sampler.load(dir)) {
                    return s.sample(2, 0);
                }
            });
        }
    }

    /** @return true if the call succeeded, false if it failed with a JganException */
    private static boolean onlyCleanFailures(int c, Callable<?> call) throws Exception {
        try {
            call.call();
            return true;
        } catch (JganException expected) {
            assertThat(expected.getMessage()).as("case %d", c).isNotBlank();
            return false;
        } catch (Throwable t) {
            throw new AssertionError("case " + c + " failed with " + t, t);
        }
    }

    /** One of: flip bytes, truncate, append junk, overwrite a header int with an extreme value. */
    static byte[] mutate(byte[] in, Random rng) {
        byte[] b = in.clone();
        switch (rng.nextInt(4)) {
            case 0 -> {
                for (int k = 1 + rng.nextInt(4); k > 0; k--) {
                    b[rng.nextInt(b.length)] ^= (byte) (1 + rng.nextInt(255));
                }
            }
            case 1 -> b = Arrays.copyOf(b, rng.nextInt(b.length));
            case 2 -> {
                byte[] junk = new byte[1 + rng.nextInt(64)];
                rng.nextBytes(junk);
                byte[] out = Arrays.copyOf(b, b.length + junk.length);
                System.arraycopy(junk, 0, out, b.length, junk.length);
                b = out;
            }
            default -> {
                if (b.length >= 16) {
                    int[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 20, rng.nextInt()};
                    ByteBuffer.wrap(b).putInt(4 * rng.nextInt(4), extremes[rng.nextInt(extremes.length)]);
                }
            }
        }
        return b;
    }

    /** Replaces one number in a JSON text with an extreme or malformed one. */
    public static String mutateJsonNumber(String json, Random rng) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?").matcher(json);
        List<int[]> spans = new java.util.ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        int[] s = spans.get(rng.nextInt(spans.size()));
        String[] values = {"0", "-1", "2147483647", "99999999999", "1e308", "\"x\"", "null", "3"};
        return json.substring(0, s[0]) + values[rng.nextInt(values.length)] + json.substring(s[1]);
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
