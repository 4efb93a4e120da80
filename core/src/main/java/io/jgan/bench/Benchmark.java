package io.jgan.bench;

import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.data.Samples;
import io.jgan.data.TrainingData;
import io.jgan.engine.Torch;
import io.jgan.model.Family;
import io.jgan.model.Network;
import io.jgan.train.RunView;
import io.jgan.train.StepRecord;
import io.jgan.train.TensorBoardListener;
import io.jgan.train.Trainer;
import io.jgan.train.TrainingListener;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times the training loop itself: iterations of a real {@link GanTrainer} on the configured data,
 * with no grids, plots or checkpoints, reporting the per-iteration time after a warm-up, the
 * matrix-product throughput it implies, and resident memory along the way.
 */
public final class Benchmark {

    private Benchmark() {}

    /**
     * What a benchmark measured. Times in milliseconds per iteration (one D step plus one G step).
     *
     * @param iterations measured iterations (after warm-up)
     * @param warmup iterations run first and not measured
     * @param medianMs median
     * @param minMs fastest
     * @param maxMs slowest
     * @param p10Ms 10th percentile
     * @param p90Ms 90th percentile
     * @param itPerSec 1000 / median
     * @param gflopPerIteration matrix-product work of one iteration (0 if not known for the model)
     * @param gflops achieved GFLOP/s at the median
     * @param firstIterationAfterStartS seconds from JVM start to the end of the first iteration
     * @param rssMb resident memory (MiB) after the given iteration counts
     * @param heapMb of which the JVM's committed heap (MiB): what is left is native memory
     * @param liveArrays native objects still owned after the given iteration counts (Torch.liveObjects)
     *     (flat in a run without leaks)
     * @param threads intra-op threads of the engine
     * @param gemmFloorMs median time of the same iteration's matrix products replayed alone (0 if not
     *     measured): the floor if everything else were free
     * @param gemmFloorGflops their GFLOP/s in that replay
     * @param updatesMs median time of both networks' Adam updates replayed alone (0 if not
     *     measured): float32 work no precision removes
     */
    public record Result(int iterations, int warmup, double medianMs, double minMs, double maxMs, double p10Ms,
            double p90Ms, double itPerSec, double gflopPerIteration, double gflops,
            double firstIterationAfterStartS, Map<Long, Long> rssMb, Map<Long, Long> heapMb, Map<Long, Integer> liveArrays,
            String threads,
            double gemmFloorMs, double gemmFloorGflops, double updatesMs) {}

    /**
     * Runs the benchmark.
     *
     * @param config a validated config (its maxSteps is replaced by warmup + iterations)
     * @param samples its training samples, read from {@code config.data()}
     * @param warmup iterations not measured
     * @param iterations iterations measured
     * @param rssEvery sample resident memory every this many iterations (0: at the end only)
     * @return the measurements
     */
    public static Result run(GanConfig config, int warmup, int iterations, int rssEvery) {
        return run(config, warmup, iterations, rssEvery, false);
    }

    /**
     * Runs the benchmark, optionally followed by the GEMM-floor replay (MLP models only).
     *
     * @param config a validated config (its maxSteps is replaced by warmup + iterations)
     * @param samples its training samples, read from {@code config.data()}
     * @param warmup iterations not measured
     * @param iterations iterations measured
     * @param rssEvery sample resident memory every this many iterations (0: at the end only)
     * @param gemmFloor also replay one iteration's matrix products alone, as many times
     * @return the measurements
     */
    public static Result run(GanConfig config, int warmup, int iterations, int rssEvery, boolean gemmFloor) {
        return run(config, TrainingData.load(config.data(), config.model(), config.train().seed()), warmup, iterations,
                rssEvery, gemmFloor, null);
    }

    /**
     * Runs the benchmark, optionally writing TensorBoard events as {@code train} does (to measure
     * what they cost).
     *
     * @param config a validated config (its maxSteps is replaced by warmup + iterations)
     * @param samples its training samples, read from {@code config.data()}
     * @param warmup iterations not measured
     * @param iterations iterations measured
     * @param rssEvery sample resident memory every this many iterations (0: at the end only)
     * @param gemmFloor also replay one iteration's matrix products alone
     * @param tensorboard a folder for event files, or null for none
     * @return the measurements
     */
    public static Result run(GanConfig config, Samples samples, int warmup, int iterations, int rssEvery,
            boolean gemmFloor, Path tensorboard) {
        long total = (long) warmup + iterations;
        GanConfig timed = config.withSchedule(s -> s.maxSteps(total)).validate();
        double[] ms = new double[iterations];
        Map<Long, Long> rss = new LinkedHashMap<>();
        Map<Long, Long> heap = new LinkedHashMap<>();
        Map<Long, Integer> live = new LinkedHashMap<>();
        double[] firstEnd = {0};
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        double flop;
        GemmFloor.Result floor = null;
        double updates = 0;
        try (Trainer trainer = Trainer.gan(timed, samples)) {
            flop = gflopPerIteration(layerMacs(trainer.generator(), timed.model(), true),
                    layerMacs(trainer.discriminator(), timed.model(), false), timed.train().batchSize(),
                    timed.train().dSteps());
            if (tensorboard != null) {
                trainer.addListener(new TensorBoardListener(tensorboard, 0));
            }
            trainer.addListener(new TrainingListener() {
                @Override
                public void onStep(RunView t, StepRecord r) {
                    if (r.step() == 1) {
                        firstEnd[0] = (System.currentTimeMillis() - jvmStart) / 1000.0;
                    }
                    if (r.step() > warmup) {
                        ms[(int) (r.step() - warmup - 1)] = r.millis();
                    }
                    if ((rssEvery > 0 && r.step() % rssEvery == 0) || r.step() == total) {
                        rss.put(r.step(), residentMb());
                        heap.put(r.step(), Runtime.getRuntime().totalMemory() >> 20);
                        live.put(r.step(), Torch.liveObjects()); // no forced GC here: it would move RSS
                    }
                }
            });
            trainer.fit();
            if (gemmFloor && timed.train().dSteps() == 1) {
                floor = GemmFloor.run(trainer.generator(), trainer.discriminator(), timed.train().batchSize(), warmup,
                        iterations);
                if (floor != null) {
                    updates = GemmFloor.updatesMs(trainer.generator(), trainer.discriminator(), warmup, iterations);
                }
            }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = percentile(sorted, 50);
        return new Result(iterations, warmup, median, sorted[0], sorted[sorted.length - 1], percentile(sorted, 10),
                percentile(sorted, 90), 1000 / median, flop, flop > 0 ? flop / (median / 1000) : 0, firstEnd[0], rss, heap,
                live, threads(), floor == null ? 0 : floor.medianMs(), floor == null ? 0 : floor.gflops(), updates);
    }

    /**
     * The matrix-product work of one iteration of an MLP GAN, in GFLOP, counted as the project's benchmark
     * notes do:
     * 2 flops per multiply-add; the D step runs G forward on n, D forward and backward (weight and
     * input gradients, none for the data) on 2n; the G step runs G and D forward on n, D's input
     * gradients only (D is frozen) and G's weight and input gradients (none for z).
     *
     * @param generator G
     * @param discriminator D
     * @param n batch size
     * @param dSteps discriminator steps per iteration
     * @return GFLOP, or 0 if a network has parameters other than 2-D weights and biases
     */
    static double gflopPerIteration(Network generator, Network discriminator, int n, int dSteps) {
        return gflopPerIteration(Family.denseMacs(generator), Family.denseMacs(discriminator), n, dSteps);
    }

    /**
     * The same count from each network's per-sample forward multiply-adds per layer.
     *
     * @param g G's layers, in order
     * @param d D's layers, in order
     * @param n batch size
     * @param dSteps discriminator steps per iteration
     * @return GFLOP, or 0 if either is unknown (null)
     */
    static double gflopPerIteration(long[] g, long[] d, int n, int dSteps) {
        if (g == null || d == null) {
            return 0;
        }
        double gAll = Arrays.stream(g).sum();
        double dAll = Arrays.stream(d).sum();
        double dStep = 2.0 * n * gAll // G forward, no graph
                + 2.0 * (2 * n) * dAll * 2 // D forward and weight gradients on real + fake
                + 2.0 * (2 * n) * (dAll - d[0]); // D input gradients, except into the data
        double gStep = 2.0 * n * gAll + 2.0 * n * dAll // forward through G then D
                + 2.0 * n * dAll // D input gradients (all layers: they flow back into G)
                + 2.0 * n * gAll + 2.0 * n * (gAll - g[0]); // G weight and input gradients, none into z
        return (dSteps * dStep + gStep) / 1e9;
    }

    /** Per-layer multiply-adds of a network: from its weight shapes for an MLP, by architecture for DCGAN. */
    static long[] layerMacs(Network network, ModelConfig model, boolean generator) {
        Family family = Family.of(model);
        return generator ? family.generatorMacs(model, network) : family.discriminatorMacs(model, network);
    }

    /** @return the engine's intra-op and inter-op thread counts, as text */
    static String threads() {
        return org.bytedeco.pytorch.global.torch.get_num_threads() + " intra-op, "
                + org.bytedeco.pytorch.global.torch.get_num_interop_threads() + " inter-op";
    }

    static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    /** @return VmRSS of this process in MiB, or -1 where /proc is not available */
    static long residentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Lists the result's lines for a terminal.
     *
     * @param r the result
     * @return readable lines
     */
    public static List<String> describe(Result r) {
        List<String> out = new ArrayList<>();
        out.add(String.format(java.util.Locale.ROOT,
                "ms/iteration over %d iterations after %d warm-up: median %.2f  min %.2f  max %.2f  (p10 %.2f, p90 %.2f)",
                r.iterations(), r.warmup(), r.medianMs(), r.minMs(), r.maxMs(), r.p10Ms(), r.p90Ms()));
        out.add(String.format(java.util.Locale.ROOT, "it/s %.1f", r.itPerSec()));
        if (r.gflopPerIteration() > 0) {
            out.add(String.format(java.util.Locale.ROOT, "matrix products %.3f GFLOP/iteration -> %.1f GFLOP/s at the median",
                    r.gflopPerIteration(), r.gflops()));
        }
        out.add(String.format(java.util.Locale.ROOT, "first iteration done %.2f s after JVM start", r.firstIterationAfterStartS()));
        StringBuilder rss = new StringBuilder("resident memory (MiB) after iteration:");
        r.rssMb().forEach((k, v) -> rss.append(' ').append(k).append('=').append(v));
        out.add(rss.toString());
        StringBuilder heap = new StringBuilder("  of which JVM heap (MiB):              ");
        r.heapMb().forEach((k, v) -> heap.append(' ').append(k).append('=').append(v));
        out.add(heap.toString());
        StringBuilder arrays = new StringBuilder("native objects held after iteration:    ");
        r.liveArrays().forEach((k, v) -> arrays.append(' ').append(k).append('=').append(v));
        out.add(arrays.toString());
        out.add("threads: " + r.threads());
        if (r.gemmFloorMs() > 0) {
            out.add(String.format(java.util.Locale.ROOT, "GEMM floor: the iteration's matrix products alone take %.2f ms"
                    + " (%.1f GFLOP/s); everything else in the loop costs %.2f ms", r.gemmFloorMs(), r.gemmFloorGflops(),
                    r.medianMs() - r.gemmFloorMs()));
        }
        if (r.updatesMs() > 0) {
            out.add(String.format(java.util.Locale.ROOT, "Adam floor: both networks' updates alone take %.2f ms (float32"
                    + " weights and moments in any precision); products and updates %.2f ms, %.2fx the GEMM floor",
                    r.updatesMs(), r.gemmFloorMs() + r.updatesMs(), (r.gemmFloorMs() + r.updatesMs()) / r.gemmFloorMs()));
        }
        return out;
    }
}
