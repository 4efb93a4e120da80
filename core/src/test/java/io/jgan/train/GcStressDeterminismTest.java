package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same run with and without garbage-collector pressure gives the same losses at every step.
 * Under {@code -XX:+UseSerialGC -Xmn4m} (a 4 MiB young generation: a collection every few
 * steps), the default model's 300 steps used to part from the unpressured run (at step 42 in one
 * run, collapsing to D(G(z)) = 0.000001 in another): DJL freed scalars that autograd still held.
 */
class GcStressDeterminismTest {

    private static final int STEPS = 300;

    @TempDir
    Path tmp;

    @Test
    void frequentCollectionsChangeNoLoss() throws Exception {
        List<String> plain = lossColumns(List.of(), tmp.resolve("plain"));
        List<String> pressured = lossColumns(List.of("-XX:+UseSerialGC", "-Xmn4m"), tmp.resolve("pressured"));
        assertThat(plain).hasSize(STEPS + 1);
        for (int i = 1; i <= STEPS; i++) {
            assertThat(pressured.get(i)).as("step %d: step,epoch,batch,lossD,lossG,D(x),D(G(z))", i)
                    .isEqualTo(plain.get(i));
        }
    }

    /** Trains the default model and returns metrics.csv without its timing columns. */
    private static List<String> lossColumns(List<String> jvmOptions, Path out) throws Exception {
        ChildJvm.Run run = ChildJvm.jgan(jvmOptions, "train", "--max-steps", String.valueOf(STEPS), "--checkpoint-every",
                "0", "--grid-every", "0", "--no-progress", "--out", out.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        return Files.readAllLines(out.resolve("metrics.csv")).stream()
                .map(line -> String.join(",", List.of(line.split(",")).subList(0, 7))).toList();
    }
}
