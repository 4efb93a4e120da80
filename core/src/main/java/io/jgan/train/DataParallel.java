package io.jgan.train;

import io.jgan.JganException;
import io.jgan.engine.ProcessGroup;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.model.Network;
import io.jgan.model.Parameter;
import io.jgan.model.Rows;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.VoidTensorHook;
import org.bytedeco.pytorch.global.torch;

/**
 * Data parallelism as PyTorch's DistributedDataParallel does it, on libtorch's c10d: every rank
 * holds the same G and D, takes its shard of each global batch, and the gradients are summed over
 * the ranks before each Adam step, so every rank takes the same step one process would take on
 * the whole batch.
 *
 * <ul>
 *   <li><b>Shards</b>: of a global batch of n rows, rank r holds rows [r n / N, (r + 1) n / N).
 *       Noise and labels are drawn for the whole batch (the engine's generator is seeded alike on
 *       every rank) and cut the same way, and so are dropout's masks ({@link Rows}).
 *   <li><b>Losses</b>: a rank's loss is the mean over its rows, weighted by rows / n before the
 *       backward pass, so the sum over the ranks of the weighted losses, and of their gradients,
 *       is the global batch's mean and its gradient.
 *   <li><b>Buckets</b>: each network's gradients are grouped, last layer first, into buckets of
 *       about {@code bucketBytes}; a bucket's all-reduce starts, on Gloo's threads, as soon as the
 *       backward pass has made all its gradients (a hook per weight), overlapping the rest of the
 *       backward pass, and {@link #sumGradients} waits for them and writes the sums back.
 * </ul>
 *
 * <p>{@link #single()} is one process: no shards, no weights, no communication; the code paths
 * are those of a run without data parallelism, bit for bit.
 */
public final class DataParallel implements AutoCloseable {

    /** DistributedDataParallel's first bucket is 1 MiB; our networks are small, so all are. */
    public static final int DEFAULT_BUCKET_BYTES = 1 << 20;

    private static final DataParallel SINGLE = new DataParallel(null, DEFAULT_BUCKET_BYTES);

    private final ProcessGroup group; // null: one process
    private final int bucketBytes;
    private final Map<Network, List<Bucket>> buckets = new IdentityHashMap<>();
    private double communicationSeconds; // waiting for all-reduces, for the benchmark
    private long bucketsStarted;
    private long bucketsStartedEarly; // by the backward pass's hooks, before it ended

    private DataParallel(ProcessGroup group, int bucketBytes) {
        this.group = group;
        this.bucketBytes = bucketBytes;
    }

    /** @return one process: every method is the identity */
    public static DataParallel single() {
        return SINGLE;
    }

    /**
     * Data parallelism over a joined group.
     *
     * @param group the ranks (closed with this)
     * @param bucketBytes the size of a gradient bucket
     * @return the data parallelism
     */
    public static DataParallel over(ProcessGroup group, int bucketBytes) {
        return new DataParallel(group, bucketBytes);
    }

    /** @return whether there is more than one rank */
    public boolean active() {
        return group != null && group.size() > 1;
    }

    /** @return this rank, 0 for one process */
    public int rank() {
        return group == null ? 0 : group.rank();
    }

    /** @return the ranks, 1 for one process */
    public int size() {
        return group == null ? 1 : group.size();
    }

    /** @return whether this rank writes the run's files (rank 0) */
    public boolean leader() {
        return rank() == 0;
    }

    /**
     * @param n rows of a global batch
     * @return {first, end} of this rank's rows
     */
    public long[] rows(long n) {
        long r = rank();
        long w = size();
        return new long[] {r * n / w, (r + 1) * n / w};
    }

    /**
     * @param global a global batch (n, ...), the same on every rank
     * @return this rank's rows of it, a view
     */
    public Tensor local(Tensor global) {
        if (!active()) {
            return global;
        }
        long[] r = rows(global.size(0));
        return global.narrow(0, r[0], r[1] - r[0]);
    }

    /**
     * Says which global rows the next forward passes see (for dropout's masks), or nothing for one
     * process.
     *
     * @param n rows of the global batch
     * @param passes 2 for a D pass over real and generated rows together (2n rows: this rank's
     *     real rows, then its generated ones), else 1
     * @return the shard to close, or null
     */
    public Rows.Shard shard(long n, int passes) {
        if (!active()) {
            return null;
        }
        long[] r = rows(n);
        long len = r[1] - r[0];
        long[] index = new long[(int) (len * passes)];
        for (int p = 0; p < passes; p++) {
            for (int i = 0; i < len; i++) {
                index[(int) (p * len + i)] = p * n + r[0] + i;
            }
        }
        return Rows.shard(n * passes, index);
    }

    /**
     * Scales a rank's mean loss so that the ranks' losses sum to the global batch's mean.
     *
     * @param loss the mean over this rank's rows
     * @param n rows of the global batch
     * @return loss * rows / n (the loss itself for one process)
     */
    public Tensor weighted(Tensor loss, long n) {
        if (!active()) {
            return loss;
        }
        long[] r = rows(n);
        return loss.mul(new Scalar((double) (r[1] - r[0]) / n));
    }

    /**
     * Sums weighted scalars over the ranks (the global batch's losses and D's means).
     *
     * @param values this rank's weighted values, (k) float32
     * @return the sums
     */
    public float[] sum(Tensor values) {
        if (active()) {
            Tensor t = values.detach().contiguous().clone();
            timed(() -> group.sum(t));
            return Torch.floats(t);
        }
        return Torch.floats(values);
    }

    /**
     * Gets a network ready: its gradients' buckets and the hooks that start their all-reduces.
     * Also synchronises its batch norm when asked.
     *
     * @param net G or D
     * @param syncBatchNorm whether batch statistics are the global batch's
     */
    public void attach(Network net, boolean syncBatchNorm) {
        if (!active()) {
            return;
        }
        if (syncBatchNorm) {
            net.synchroniseBatchNorm(t -> timed(() -> group.sum(t)));
        }
        List<Parameter> params = new ArrayList<>(net.trainableParameters());
        java.util.Collections.reverse(params); // backward meets the last layers first
        List<Bucket> list = new ArrayList<>();
        Bucket current = null;
        for (Parameter p : params) {
            long bytes = p.tensor().numel() * 4;
            if (current == null || (current.bytes > 0 && current.bytes + bytes > bucketBytes)) {
                current = new Bucket();
                list.add(current);
            }
            current.add(p.tensor());
        }
        for (Bucket b : list) {
            b.allocate();
        }
        buckets.put(net, list);
    }

    /**
     * Waits for a network's gradient all-reduces (starting those whose gradients never came, from
     * the gradients as they are) and puts the sums in place of the gradients.
     *
     * @param net G or D, just after its backward pass
     */
    public void sumGradients(Network net) {
        List<Bucket> list = buckets.get(net);
        if (list == null) {
            return;
        }
        for (Bucket b : list) {
            b.launchWithWhatIsThere();
        }
        for (Bucket b : list) {
            timed(b::finish);
        }
    }

    /**
     * Stops every rank with a clear message if the ranks do not hold the same weights (a
     * checksum of G's and D's parameters, compared by an all-reduce of its maximum and minimum).
     *
     * @param networks the networks every rank must hold alike
     */
    public void checkSameWeights(List<Network> networks) {
        if (!active()) {
            return;
        }
        long sum = 0;
        long[] m;
        try (Scope s = Scope.open()) {
            for (Network n : networks) {
                for (Parameter p : n.namedParameters()) {
                    float[] v = Torch.floats(p.tensor());
                    sum = sum * 31 + java.util.Arrays.hashCode(v);
                }
            }
            Tensor t = Torch.indices(new long[] {sum, -sum}); // int64: the max of both is the max and -(the min)
            group.max(t);
            m = new long[] {t.get(0).item().toLong(), t.get(1).item().toLong()};
        }
        if (m[0] != -m[1]) {
            throw new JganException(JganException.USAGE, "rank " + rank() + ": the ranks do not hold the same G and D"
                    + " at the start (weight checksums differ): start every rank with the same command and --seed,"
                    + " and resume every rank from the same checkpoint");
        }
    }

    /**
     * The largest of one number over the ranks (e.g. whether any rank wants to stop).
     *
     * @param here this rank's number
     * @return the maximum over the ranks
     */
    public int maxOver(int here) {
        if (!active()) {
            return here;
        }
        try (Scope s = Scope.open()) {
            Tensor t = Torch.indices(new long[] {here});
            timed(() -> group.max(t));
            return (int) t.item().toLong();
        }
    }

    /**
     * @return {gradient all-reduces started, of which started by the backward pass before it ended}:
     *     how much of the communication could overlap the computation
     */
    public long[] bucketCounts() {
        return new long[] {bucketsStarted, bucketsStartedEarly};
    }

    /** @return seconds spent waiting for all-reduces so far (the communication not hidden behind compute) */
    public double communicationSeconds() {
        return communicationSeconds;
    }

    private void timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        communicationSeconds += (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public void close() {
        if (group != null) {
            group.close();
        }
    }

    /** Some of a network's weights whose gradients are all-reduced together: one flat (elements) buffer. */
    private final class Bucket {
        private final List<Tensor> weights = new ArrayList<>();
        private final List<Long> offsets = new ArrayList<>();
        private final List<VoidTensorHook> hooks = new ArrayList<>();
        private long bytes;
        private Tensor flat; // (elements) float32, kept for the run
        private boolean[] arrived;
        private int count;
        private ProcessGroup.Pending pending;

        void add(Tensor w) {
            offsets.add(bytes / 4);
            weights.add(w);
            bytes += w.numel() * 4;
        }

        void allocate() {
            try (Scope s = Scope.open()) {
                flat = Scope.keep(Torch.zeros(bytes / 4));
            }
            arrived = new boolean[weights.size()];
            for (int i = 0; i < weights.size(); i++) {
                int slot = i;
                VoidTensorHook h = Scope.keep(new VoidTensorHook() {
                    @Override
                    public void call(TensorBase grad) {
                        arrive(slot, new Tensor(grad));
                    }
                }); // kept for the process: libtorch calls it back
                hooks.add(h);
                weights.get(i).register_hook(h);
            }
        }

        /** Weight i's gradient of this backward pass (fires once per pass: libtorch sums a weight's uses first). */
        private void arrive(int i, Tensor grad) {
            if (pending != null || arrived[i]) {
                throw new IllegalStateException("a gradient arrived twice in one backward pass; data parallelism"
                        + " needs each weight's gradient once per pass");
            }
            slot(i).copy_(grad.reshape(-1));
            arrived[i] = true;
            if (++count == weights.size()) {
                pending = group.sumAsync(flat);
                bucketsStarted++;
                bucketsStartedEarly++;
            }
        }

        private Tensor slot(int i) {
            return flat.narrow(0, offsets.get(i), weights.get(i).numel());
        }

        void launchWithWhatIsThere() {
            if (pending != null) {
                return;
            }
            for (int i = 0; i < weights.size(); i++) {
                if (!arrived[i]) {
                    Tensor g = weights.get(i).grad();
                    if (g.defined()) {
                        slot(i).copy_(g.reshape(-1));
                    } else {
                        slot(i).zero_();
                    }
                }
            }
            pending = group.sumAsync(flat);
            bucketsStarted++;
        }

        void finish() {
            pending.await();
            try (Torch.NoGrad off = Torch.noGrad()) {
                for (int i = 0; i < weights.size(); i++) {
                    Tensor w = weights.get(i);
                    Tensor g = w.grad();
                    Tensor sum = slot(i).view(w.sizes());
                    if (g.defined()) {
                        g.copy_(sum);
                    } else {
                        w.mutable_grad().put(sum.clone());
                    }
                }
            }
            pending = null;
            count = 0;
            java.util.Arrays.fill(arrived, false);
        }
    }
}
