package io.jgan.model;

import io.jgan.engine.Torch;
import org.bytedeco.pytorch.Tensor;

/**
 * Which rows of a larger batch the forward passes on this thread see: under data parallelism a
 * rank holds a shard of the global batch, and whatever a layer draws per row (dropout's mask) must
 * be the global batch's draw, cut to the shard, for the ranks together to compute what one
 * process computes on the whole batch.
 *
 * <pre>
 * try (Rows.Shard s = Rows.shard(200, rowsOfThisRank)) {   // a D pass over (real | fake), 2 x 100 rows
 *     d.forward(x, true);                                  // x: (rowsOfThisRank.length, ...)
 * }
 * </pre>
 *
 * <p>With no shard open every layer draws for the rows it is given, as always.
 */
public final class Rows {

    private static final ThreadLocal<Shard> CURRENT = new ThreadLocal<>();

    private Rows() {}

    /**
     * A shard in force until closed.
     *
     * @param globalRows rows of the global batch
     * @param index the global rows this rank holds, in its order: (local rows) int64
     */
    public record Shard(long globalRows, Tensor index) implements AutoCloseable {
        @Override
        public void close() {
            CURRENT.remove();
        }

        /** @return rows this rank holds */
        public long localRows() {
            return index.size(0);
        }
    }

    /**
     * Opens a shard on this thread (one at a time).
     *
     * @param globalRows rows of the global batch
     * @param rows the global rows this rank holds
     * @return the shard, to close
     */
    public static Shard shard(long globalRows, long[] rows) {
        Shard s = new Shard(globalRows, Torch.indices(rows));
        CURRENT.set(s);
        return s;
    }

    /**
     * @param localRows rows of the tensor a layer is given
     * @return the shard in force if it covers a tensor of that many rows, else null
     */
    static Shard covering(long localRows) {
        Shard s = CURRENT.get();
        return s != null && s.localRows() == localRows ? s : null;
    }
}
