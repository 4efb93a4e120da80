package io.jgan.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.ChildJvm;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Natives#load} sets up before the first native object. */
class NativesTest {

    /**
     * JavaCPP reads its physical-memory limit once, when {@code Pointer} loads; above zero, every
     * allocation (each tensor an operation returns) first reads the process's resident memory.
     * Natives.load runs before any torch class, so the limit it sets must be the one in force.
     */
    @Test
    void javaCppReadsNoResidentMemoryPerAllocation() {
        Natives.load();
        try (Scope s = Scope.open()) {
            Tensor t = Torch.tensor(new float[] {1f, 2f}, 2).add(Torch.tensor(new float[] {3f, 4f}, 2));
            assertThat(Torch.floats(t)).containsExactly(4f, 6f);
        }
        assertThat(Pointer.maxPhysicalBytes()).isZero();
        assertThat(System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes")).isEqualTo("0");
    }

    /**
     * NNPACK is off, so libtorch never asks whether it can start. Where it cannot (a Zen 5 here),
     * libtorch printed "Could not initialize NNPACK! Reason: Unsupported hardware." for
     * convolutions without a gradient: three lines in this one-step DCGAN run.
     */
    @Test
    void noNnpackNoticeOnAConvolutionalRun(@TempDir Path tmp) throws Exception {
        Torch.item(Torch.tensor(new float[] {1f}, 1)); // the engine set up
        assertThat(torch.globalContext().userEnabledNNPACK()).isFalse();
        ChildJvm.Run r = ChildJvm.jgan(List.of(), "train", "--model", "dcgan", "--max-steps", "1", "--limit", "64",
                "--batch-size", "32", "--no-progress", "--out", tmp.resolve("run").toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("NNPACK");
    }
}
