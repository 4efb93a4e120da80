package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.engine.Precision;
import io.jgan.engine.Torch;
import picocli.CommandLine.Option;

/**
 * {@code --device} and {@code --precision}: where the models run and in what number format, for
 * every command that runs one. Checked and applied before any model is built.
 */
public final class EngineOptions {

    @Option(names = "--device", paramLabel = "DEV", description = "cpu (default), cuda or cuda:N: where the models"
            + " run (CUDA needs the GPU build, ./mvnw -Pgpu package, and the CUDA 13 runtime)")
    String device = "cpu";

    @Option(names = "--precision", paramLabel = "P", description = "fp32 (default) or bf16: forward passes in"
            + " bfloat16 by autocast, weights, optimiser state, losses and checkpoints stay float32 (needs a CPU with"
            + " avx512_bf16 or amx_bf16, or a GPU)")
    String precision = "fp32";

    /**
     * Chooses the device and the precision for this process.
     *
     * @throws JganException (usage) naming the problem and the fix
     */
    void apply() {
        try {
            Torch.useDevice(device);
            Torch.usePrecision(Precision.of(precision));
        } catch (IllegalArgumentException e) {
            throw new JganException(JganException.USAGE, e.getMessage());
        }
    }
}
