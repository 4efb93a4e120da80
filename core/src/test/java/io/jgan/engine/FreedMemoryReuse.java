package io.jgan.engine;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a use-after-free of Java-owned engine memory happen on demand: a full GC (which frees every
 * unreachable direct buffer, among them the scalars DJL wraps with a non-owning {@code from_blob}),
 * then many small direct buffers filled with a sentinel, which glibc hands out from the chunks just
 * freed. A tensor still reading such memory then reads the sentinel.
 *
 * <p>Run it between a forward and a backward pass: with a dangling scalar in the graph, the
 * gradient comes out scaled by {@link #SENTINEL} (measured: 20 of 20 trials of
 * {@code x.mul(3f).sum()} gave a gradient of 1000 instead of 3).
 */
public final class FreedMemoryReuse implements Runnable {

    /** What the reused memory holds afterwards. */
    public static final float SENTINEL = 1000f;

    private static final BufferPoolMXBean DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
            .stream().filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();

    // the previous run's sentinels: dropped (and freed) by the next run, so memory stays bounded
    private List<ByteBuffer> held = new ArrayList<>();
    private int runs;

    @Override
    public void run() {
        held = new ArrayList<>();
        long before = DIRECT.getCount();
        System.gc();
        // the buffers' memory is freed by the reference handler after the collection: wait for it
        for (int i = 0; i < 200 && DIRECT.getCount() >= before; i++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (int size : new int[] {4, 8}) { // a float or a double scalar
            for (int i = 0; i < 1000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
                if (size == 4) {
                    b.putFloat(0, SENTINEL);
                } else {
                    b.putDouble(0, SENTINEL);
                }
                held.add(b);
            }
        }
        runs++;
    }

    /**
     * Returns how often this has run.
     *
     * @return the count
     */
    public int runs() {
        return runs;
    }
}
