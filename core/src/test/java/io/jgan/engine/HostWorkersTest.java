package io.jgan.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Parts run on jgan's own threads; a failure stops the rest, and nothing runs once the call has thrown. */
class HostWorkersTest {

    @Test
    void everyPartRunsOnceOnJgansThreadsOrTheCallers() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        int[] hits = new int[64];
        HostWorkers.run(64, k -> {
            synchronized (hits) {
                hits[k]++;
            }
            threads.add(Thread.currentThread().getName());
        });
        assertThat(hits).containsOnly(1);
        assertThat(threads).allMatch(n -> n.equals("jgan-host-worker") || n.equals(Thread.currentThread().getName()));
    }

    @Test
    void aFailingPartStopsTheOthersBeforeTheErrorIsRethrown() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        RuntimeException boom = new IllegalStateException("part 2 failed");
        Throwable thrown = catchThrowable(() -> HostWorkers.run(200, k -> {
            running.incrementAndGet();
            started.incrementAndGet();
            try {
                if (k == 2) {
                    throw boom;
                }
                Thread.sleep(5); // a part still writing while another fails
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
        }));
        assertThat(thrown).isSameAs(boom);
        assertThat(running.get()).as("parts still running when the error reached the caller").isZero();
        assertThat(started.get()).as("parts started of 200").isLessThan(200);
    }
}
