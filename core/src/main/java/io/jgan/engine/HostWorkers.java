package io.jgan.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * jgan's own threads for the loops it runs on the host over engine memory (Adam's kernel, dropout
 * masks), instead of the JVM-wide common pool, which any library may fill with slow work.
 *
 * <p>The parts of one call write into tensors that the caller may free as soon as the call returns,
 * so a call returns (or throws) only when no part is running: after a failure, parts not yet
 * started are skipped, the ones running are waited for, and then the first error is rethrown with
 * the others suppressed.
 */
public final class HostWorkers {

    private HostWorkers() {}

    /** The cores; the calling thread is one of the workers. */
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private static final ExecutorService POOL = THREADS == 1 ? null : Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(r, "jgan-host-worker");
        t.setDaemon(true);
        return t;
    });

    /**
     * Returns how many threads share a call's parts.
     *
     * @return the thread count
     */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code part.accept(k)} for every k in [0, parts), over this class's threads and the
     * caller's. Which thread runs a part varies; a part's effect must not depend on it.
     *
     * @param parts how many parts
     * @param part the work of one part
     * @throws RuntimeException the first part's failure (an Error as it was), once no part runs
     */
    public static void run(int parts, IntConsumer part) {
        if (parts <= 1 || POOL == null) {
            for (int k = 0; k < parts; k++) {
                part.accept(k);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Runnable worker = () -> {
            for (int k = next.getAndIncrement(); k < parts && !failed.get(); k = next.getAndIncrement()) {
                try {
                    part.accept(k);
                } catch (Throwable e) {
                    failed.set(true); // parts not yet started are skipped
                    errors.add(e);
                }
            }
        };
        int helpers = Math.min(THREADS, parts) - 1;
        Future<?>[] running = new Future<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            running[h] = POOL.submit(worker);
        }
        worker.run();
        boolean interrupted = false;
        for (Future<?> f : running) {
            while (true) { // wait even when interrupted: a running part may be writing into tensors
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    errors.add(e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable first = errors.poll();
        if (first != null) {
            for (Throwable other : errors) {
                first.addSuppressed(other);
            }
            if (first instanceof Error e) {
                throw e;
            }
            throw first instanceof RuntimeException r ? r : new IllegalStateException(first);
        }
    }
}
