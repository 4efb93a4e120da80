package io.jgan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The thread environment a rank's or a trial's process gets. */
class ChildMainTest {

    @Test
    void theTasksCoresReplaceTheExecutorsThreadsAndIdleSettingsAreKept() {
        Map<String, String> env = new HashMap<>(Map.of("OMP_NUM_THREADS", "8", "OPENBLAS_NUM_THREADS", "8",
                "OMP_WAIT_POLICY", "ACTIVE"));
        ChildMain.useTaskCores(env, null); // outside a task: one core
        assertThat(env).containsEntry("OMP_NUM_THREADS", "1").containsEntry("OPENBLAS_NUM_THREADS", "1")
                .containsEntry("OMP_WAIT_POLICY", "ACTIVE") // the user's own choice stays
                .containsEntry("OPENBLAS_THREAD_TIMEOUT", "4");
        Map<String, String> bare = new HashMap<>();
        ChildMain.useTaskCores(bare, null);
        assertThat(bare).containsEntry("OMP_WAIT_POLICY", "PASSIVE").containsEntry("GOMP_SPINCOUNT", "3000").hasSize(5);
    }
}
