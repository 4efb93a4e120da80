package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.format.TfEvents;
import io.jgan.train.MetricsLog;
import io.jgan.train.StepRecord;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's TensorBoard files, read back by an independent decoder ({@link TfEvents}: both checksums
 * of every record, the Event and Summary messages field by field): the tags, steps and values
 * against metrics.csv, the grids as valid PNGs of the saved size, histograms and the config text;
 * a resume after a kill that leaves one value per step once TensorBoard's rule for a SessionLog
 * START is applied; a file cut mid-record that reads up to its last whole record.
 */
class TensorBoardTest {

    @TempDir
    Path tmp;

    private static final String[] SMALL = {"--limit", "200", "--batch-size", "50", "--no-progress"};

    @Test
    void everyStepGridHistogramAndTheConfigAreThere() throws Exception {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--max-steps", "12", "--grid-every", "5", "--checkpoint-every", "0").exitCode()).isZero();
        List<Path> files = eventFiles(run);
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).startsWith("events.out.tfevents.");
        TfEvents.Contents c = TfEvents.read(files.get(0));
        assertThat(c.truncated()).isFalse();
        assertThat(c.events().get(0).fileVersion()).isEqualTo("brain.Event:2");
        assertThat(c.events().get(0).wallTime()).isCloseTo(System.currentTimeMillis() / 1000.0, within(600.0));

        assertSameAsMetrics(scalars(List.of(c)), MetricsLog.read(run.resolve("metrics.csv")), 12);

        // grids: saved at steps 1, 6, 11 (every 5 from the first) and the end, 12
        Map<Long, TfEvents.Image> grids = new TreeMap<>();
        List<String> histograms = new ArrayList<>();
        String config = null;
        for (TfEvents.Event e : c.events()) {
            for (TfEvents.Value v : e.values()) {
                if (v.image() != null) {
                    grids.put(e.step(), v.image());
                    assertThat(v.tag()).isEqualTo("samples/fixed_noise");
                }
                if (v.histo() != null) {
                    assertThat(e.step()).isEqualTo(12);
                    assertThat(v.histo().counts()).hasSize(30);
                    assertThat(sum(v.histo().counts())).isEqualTo(v.histo().num());
                    histograms.add(v.tag());
                }
                if (v.text() != null) {
                    config = v.text();
                    assertThat(v.plugin()).isEqualTo("text");
                }
            }
        }
        assertThat(grids).containsOnlyKeys(1L, 6L, 11L, 12L);
        BufferedImage saved = ImageIO.read(run.resolve("grids/step-00000012.png").toFile());
        for (TfEvents.Image img : grids.values()) {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(img.png()));
            assertThat(decoded).as("a valid PNG").isNotNull();
            assertThat(new int[] {decoded.getWidth(), decoded.getHeight(), img.width(), img.height()})
                    .containsExactly(saved.getWidth(), saved.getHeight(), saved.getWidth(), saved.getHeight());
        }
        assertThat(histograms).contains("G/weights/01Linear_weight", "D/weights/01Linear_weight",
                "G/gradients/01Linear_weight", "D/gradients/01Linear_weight");
        assertThat(config).contains("\"family\" : \"mlp\"", "\"maxSteps\" : 12");
    }

    @Test
    void aResumeAfterAKillShowsOneValuePerStep() throws Exception {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--max-steps", "8", "--checkpoint-every", "4").exitCode()).isZero();
        // killed after step 8 with its last checkpoint at 4: steps 5-8 are in the first file and will come again
        deleteTree(run.resolve("checkpoints/step-00000008"));
        Thread.sleep(1100); // another second: another file name
        CliSmokeTest.Run r = jgan("train", "--resume", run.toString(), "--no-progress");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<Path> files = eventFiles(run);
        assertThat(files).hasSize(2);
        List<TfEvents.Contents> contents = new ArrayList<>();
        for (Path f : files) {
            contents.add(TfEvents.read(f));
        }
        TfEvents.Event start = contents.get(1).events().stream().filter(e -> e.sessionStatus() == 1).findFirst()
                .orElseThrow();
        assertThat(start.step()).isEqualTo(5);
        assertSameAsMetrics(scalars(contents), MetricsLog.read(run.resolve("metrics.csv")), 8);
    }

    @Test
    void aFileCutMidRecordReadsUpToItsLastWholeRecord() throws Exception {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--max-steps", "6", "--checkpoint-every", "0").exitCode()).isZero();
        Path file = eventFiles(run).get(0);
        int whole = TfEvents.read(file).events().size();
        byte[] bytes = Files.readAllBytes(file);
        Path cut = tmp.resolve("cut");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 7)); // the last record loses its tail
        TfEvents.Contents c = TfEvents.read(cut);
        assertThat(c.truncated()).isTrue();
        assertThat(c.events()).hasSize(whole - 1);
        assertThat(c.events().get(0).fileVersion()).isEqualTo("brain.Event:2");
    }

    @Test
    void noTensorboardWritesNone() throws Exception {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--max-steps", "2", "--checkpoint-every", "0", "--no-tensorboard").exitCode()).isZero();
        assertThat(run.resolve("tensorboard")).doesNotExist();
    }

    private static CliSmokeTest.Run train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--out", out.toString()));
        args.addAll(List.of(SMALL));
        args.addAll(List.of(more));
        CliSmokeTest.Run r = jgan(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r;
    }

    static List<Path> eventFiles(Path run) throws Exception {
        try (Stream<Path> s = Files.list(run.resolve("tensorboard"))) {
            return s.sorted().toList();
        }
    }

    /**
     * Every scalar by tag and step, the files read in order, with TensorBoard's rule: a SessionLog
     * START at step s drops what earlier events recorded at s and after.
     */
    static Map<String, TreeMap<Long, List<Float>>> scalars(List<TfEvents.Contents> files) {
        Map<String, TreeMap<Long, List<Float>>> out = new LinkedHashMap<>();
        for (TfEvents.Contents c : files) {
            for (TfEvents.Event e : c.events()) {
                if (e.sessionStatus() == 1) {
                    out.values().forEach(series -> series.tailMap(e.step(), true).clear());
                }
                for (TfEvents.Value v : e.values()) {
                    if (v.simpleValue() != null) {
                        out.computeIfAbsent(v.tag(), k -> new TreeMap<>()).computeIfAbsent(e.step(),
                                k -> new ArrayList<>()).add(v.simpleValue());
                    }
                }
            }
        }
        return out;
    }

    static void assertSameAsMetrics(Map<String, TreeMap<Long, List<Float>>> tb, List<StepRecord> csv, int steps) {
        assertThat(tb).containsKeys("loss/D", "loss/G", "D/real", "D/fake", "time/ms_per_iteration");
        assertThat(csv).hasSize(steps);
        for (StepRecord r : csv) {
            double[][] pairs = {
                {r.lossD(), one(tb, "loss/D", r.step())}, {r.lossG(), one(tb, "loss/G", r.step())},
                {r.dReal(), one(tb, "D/real", r.step())}, {r.dFake(), one(tb, "D/fake", r.step())}};
            for (double[] p : pairs) {
                assertThat(p[1]).as("step %d", r.step()).isCloseTo(p[0], within(1e-6)); // the CSV has 6 decimals
            }
            assertThat(one(tb, "time/ms_per_iteration", r.step())).isCloseTo(r.millis(), within(1e-3));
        }
        assertThat(tb.get("loss/D").keySet()).hasSize(steps);
    }

    private static double one(Map<String, TreeMap<Long, List<Float>>> tb, String tag, long step) {
        List<Float> v = tb.get(tag).get(step);
        assertThat(v).as("%s at step %d: exactly one value", tag, step).hasSize(1);
        return v.get(0);
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }

    private static void deleteTree(Path p) throws Exception {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
