package io.jgan.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.format.Json;
import io.jgan.model.Family;
import io.jgan.sample.Sampler;
import io.jgan.session.TrainingSession;
import io.jgan.train.GanGame;
import io.jgan.train.MetricsLog;
import io.jgan.train.StepRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run written by jgan 0.1.0 in checkpoint format 1, committed as a test resource
 * ({@code golden-format-1/}): the toy with a weight average, so that it holds every part a
 * checkpoint can (G, D, both Adams' moments, the fixed noise, G's average). Whatever changes in
 * the code, this run must still load, sample what it sampled, and resume. A change that breaks
 * old runs fails here.
 *
 * <p>{@code expected.json} holds what that version computed: 8 samples of seed 3, and the
 * losses of steps 41-50 of the run resumed to 50. They are compared to float tolerance, not
 * bit for bit, so that an engine whose kernels round differently still passes; a broken
 * format, layout or restore misses by far more.
 *
 * <p>To write the resource anew (only with a new format version, beside the old one), run this
 * class with the environment variable {@code JGAN_WRITE_GOLDEN=DIR}.
 */
class GoldenCheckpointTest {

    private static final Path GOLDEN = Path.of("src/test/resources/io/jgan/checkpoint/golden-format-1");
    private static final int STEPS = 40;
    private static final int RESUMED_TO = 50;

    @TempDir
    Path tmp;

    private static GanConfig config() {
        return Family.validate(Family.toy(0.3, 0.1, STEPS).withTrain(t -> t.seed(11).emaDecay(0.9)
                .batchSize(100).fixedNoiseCount(16)).withData(DataConfig.gaussian(0.3, 0.1, 1000))
                .withSchedule(s -> s.checkpointEvery(20).keepCheckpoints(1)));
    }

    private static TrainingSession session(GanConfig config, Path out) {
        Samples samples = TrainingData.load(config.data(), config.model(), config.train().seed());
        return TrainingSession.of(config, new GanGame(config, samples),
                new TrainingSession.Options(out, false, false, new PrintWriter(System.err, true), null));
    }

    @Test
    void theCommittedRunLoadsSamplesAndResumesAsItDid() throws IOException {
        String write = System.getenv("JGAN_WRITE_GOLDEN");
        if (write != null) {
            writeGolden(Path.of(write));
            return;
        }
        JsonNode expected = Json.MAPPER.readTree(GOLDEN.resolve("expected.json").toFile());
        Path checkpoint = GOLDEN.resolve("run/checkpoints/step-00000040");
        CheckpointManifest m = Checkpoints.readManifest(checkpoint);
        assertThat(m.formatVersion()).isEqualTo(1);
        assertThat(m.step()).isEqualTo(STEPS);
        assertThat(m.contents()).containsExactly(CheckpointSchema.GENERATOR, CheckpointSchema.DISCRIMINATOR,
                CheckpointSchema.ADAM_GENERATOR, CheckpointSchema.ADAM_DISCRIMINATOR, CheckpointSchema.FIXED_NOISE,
                CheckpointSchema.GENERATOR_EMA);
        assertThat(m.config()).isEqualTo(config().withSchedule(s -> s.maxSteps(STEPS)));

        try (Sampler s = Sampler.load(GOLDEN.resolve("run"))) {
            float[] x = s.sample(8, 3);
            for (int i = 0; i < x.length; i++) {
                assertThat(x[i]).as("sample %d", i).isCloseTo(expected.get("samples").get(i).floatValue(), within(1e-4f));
            }
        }

        Path run = tmp.resolve("run");
        copy(GOLDEN.resolve("run"), run);
        try (TrainingSession more = TrainingSession.resume(run, s -> s.toBuilder().maxSteps(RESUMED_TO).build(),
                new TrainingSession.Options(null, false, false, new PrintWriter(System.err, true), null))) {
            assertThat(more.trainer().step()).isEqualTo(STEPS);
            more.run();
        }
        List<StepRecord> rows = MetricsLog.read(run.resolve("metrics.csv"));
        assertThat(rows).hasSize(RESUMED_TO);
        List<StepRecord> before = MetricsLog.read(GOLDEN.resolve("run/metrics.csv"));
        assertThat(rows.subList(0, STEPS)).isEqualTo(before); // the log up to the checkpoint is kept as it was
        for (int i = STEPS; i < RESUMED_TO; i++) {
            JsonNode e = expected.get("resumed").get(i - STEPS);
            assertThat(rows.get(i).lossD()).as("lossD at step %d", i + 1).isCloseTo(e.get(0).floatValue(), within(2e-3f));
            assertThat(rows.get(i).lossG()).as("lossG at step %d", i + 1).isCloseTo(e.get(1).floatValue(), within(2e-3f));
        }
    }

    /** Trains the golden run, resumes a copy of it, and records what they computed. */
    private void writeGolden(Path dir) throws IOException {
        Path run = dir.resolve("run");
        GanConfig c = config().withSchedule(s -> s.maxSteps(STEPS));
        try (TrainingSession s = session(c, run)) {
            s.run();
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        try (Sampler s = Sampler.load(run)) {
            expected.put("samples", s.sample(8, 3));
        }
        Path copy = tmp.resolve("copy");
        copy(run, copy);
        try (TrainingSession more = TrainingSession.resume(copy, s -> s.toBuilder().maxSteps(RESUMED_TO).build(),
                new TrainingSession.Options(null, false, false, new PrintWriter(System.err, true), null))) {
            more.run();
        }
        List<StepRecord> rows = MetricsLog.read(copy.resolve("metrics.csv"));
        expected.put("resumed", rows.subList(STEPS, RESUMED_TO).stream()
                .map(r -> new float[] {r.lossD(), r.lossG()}).toList());
        Files.write(dir.resolve("expected.json"), Json.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(expected));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }
}
