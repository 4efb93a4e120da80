package io.jgan.serve;

import io.jgan.JganException;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.config.ModelConfig;
import io.jgan.sample.Sampler;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The generators behind the sampling endpoints: one {@link Sampler} per run, loaded from its
 * newest checkpoint on first use and reloaded when a newer checkpoint appears.
 *
 * <p>How requests share a generator: a network's forward pass is not safe to run from two
 * threads at once (batch norm's running statistics and the dropout masks' draws are shared state), so each
 * sampler runs one request at a time under its own lock. Across runs, at most {@code permits}
 * generations are in flight; a request that cannot get a permit within {@code waitMillis} gets
 * 503 rather than queueing without bound. Each generation's tensors live in a scope closed
 * when it returns (see {@code Generation.run}), so memory stays flat however many requests come.
 */
public final class GeneratorPool implements AutoCloseable {

    /** A loaded sampler and the checkpoint it came from. */
    private record Loaded(Path checkpoint, Sampler sampler) {}

    private final Map<Path, Loaded> loaded = new HashMap<>();
    private final Set<Sampler> retired = ConcurrentHashMap.newKeySet();
    private final Semaphore inFlight;
    private final long waitMillis;

    /**
     * @param permits generations that may run at once (the rest wait)
     * @param waitMillis how long a request waits for a permit before 503
     */
    public GeneratorPool(int permits, long waitMillis) {
        this.inFlight = new Semaphore(permits, true);
        this.waitMillis = waitMillis;
    }

    /** Work done with a run's generator, under its lock. */
    @FunctionalInterface
    public interface Job<T> {
        /**
         * @param sampler the run's generator
         * @return the result
         */
        T run(Sampler sampler);
    }

    /**
     * Runs a job with a run's generator, within the bound on requests in flight.
     *
     * @param run the run folder
     * @param job what to do with its generator
     * @param <T> the result type
     * @return the job's result
     * @throws ApiError 404 if the run has no checkpoint yet, 503 if the server is busy
     */
    public <T> T with(Path run, Job<T> job) {
        boolean acquired;
        try {
            acquired = inFlight.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the server is shutting down");
        }
        if (!acquired) {
            throw new ApiError(503, "busy: " + inFlight.availablePermits() + " of the sampling slots are free; try again"
                    + " in a moment");
        }
        try {
            while (true) {
                Sampler s = sampler(run);
                synchronized (s) {
                    if (!retired.contains(s)) { // replaced by a newer checkpoint's while we waited: take that one
                        return job.run(s);
                    }
                }
            }
        } finally {
            inFlight.release();
        }
    }

    /**
     * The model of a run's newest checkpoint.
     *
     * @param run the run folder
     * @return its model config
     */
    public ModelConfig model(Path run) {
        return sampler(run).model();
    }

    private synchronized Sampler sampler(Path run) {
        Path newest = Checkpoints.latest(run.resolve("checkpoints")).orElse(null);
        if (newest == null && Checkpoints.latest(run).isEmpty()) {
            throw ApiError.notFound("run " + run.getFileName() + " has no checkpoint yet: its generator can be sampled"
                    + " after the first checkpoint (--checkpoint-every)");
        }
        Loaded l = loaded.get(run);
        if (l != null && l.checkpoint().equals(newest)) {
            return l.sampler();
        }
        Sampler s;
        try {
            s = Sampler.load(newest != null ? newest : run); // the checkpoint just resolved, not a second look
        } catch (JganException e) {
            throw new ApiError(409, "run " + run.getFileName() + " cannot be sampled: " + e.getMessage());
        }
        if (l != null) {
            synchronized (l.sampler()) { // no job is using the old one once we hold its lock
                retired.add(l.sampler());
                l.sampler().close();
            }
        }
        loaded.put(run, new Loaded(newest, s));
        return s;
    }

    @Override
    public synchronized void close() {
        for (Loaded l : loaded.values()) {
            synchronized (l.sampler()) {
                l.sampler().close();
            }
        }
        loaded.clear();
    }
}
