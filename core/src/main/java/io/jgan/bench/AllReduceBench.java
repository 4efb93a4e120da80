package io.jgan.bench;

import io.jgan.engine.Natives;
import io.jgan.engine.ProcessGroup;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.pytorch.Tensor;

/**
 * The all-reduce's cost on this machine, for the data-parallel scaling model: one rank of a job
 * started with the torchrun variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT); sums float32
 * buffers of the sizes jgan's networks' gradients have (DCGAN 1.5 MB per step, the MLP 11.8 MB)
 * over the ranks, and rank 0 prints the median time per all-reduce and per megabyte.
 *
 * <pre>scripts/bench-allreduce.sh   # two ranks on loopback</pre>
 */
public final class AllReduceBench {

    private AllReduceBench() {}

    /**
     * Runs the measurement.
     *
     * @param args optional: repetitions (default 40)
     */
    public static void main(String[] args) {
        Natives.load();
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        var env = System.getenv();
        ProcessGroup.Rendezvous where = new ProcessGroup.Rendezvous(env.getOrDefault("MASTER_ADDR", "127.0.0.1"),
                Integer.parseInt(env.get("MASTER_PORT")), Integer.parseInt(env.get("RANK")),
                Integer.parseInt(env.get("WORLD_SIZE")), Duration.ofSeconds(60));
        Torch.useThreads(1);
        try (ProcessGroup group = ProcessGroup.join(where, "allreduce-bench")) {
            for (double mb : new double[] {0.004, 0.25, 1.0, 1.5, 4.0, 11.8}) {
                long n = Math.round(mb * 1e6 / 4);
                double[] ms = new double[reps];
                try (Scope s = Scope.open()) {
                    Tensor t = Torch.full(1.0, n);
                    for (int i = -3; i < reps; i++) { // three to warm up
                        long t0 = System.nanoTime();
                        group.sum(t);
                        if (i >= 0) {
                            ms[i] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
                Arrays.sort(ms);
                double median = ms[reps / 2];
                if (where.rank() == 0) {
                    System.out.printf(Locale.ROOT, "allreduce %d ranks %8.3f MB: median %8.3f ms (min %.3f, max %.3f),"
                            + " %.3f ms/MB%n", where.worldSize(), mb, median, ms[0], ms[reps - 1], median / mb);
                }
            }
        }
    }
}
