package io.jgan.engine;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.jgan.JganException;
import io.jgan.cli.CliSmokeTest;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.data.TrainingData;
import io.jgan.model.Family;
import io.jgan.model.Parameter;
import io.jgan.toy.GaussianToy;
import io.jgan.train.StepRecord;
import io.jgan.train.Trainer;
import io.jgan.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * --precision bf16: refused where the CPU would only emulate it, and, where it runs (emulated here
 * when the CPU lacks it, the same numerics as native), it trains with float32 master weights.
 */
class PrecisionTest {

    @AfterEach
    void backToFloat32() {
        Torch.usePrecisionEvenIfEmulated(Precision.FP32);
    }

    @Test
    void cpuFlagsDecideWhetherBf16IsNative() {
        String zen3 = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse2 avx2 fma avx512f\n";
        assertThat(Precision.cpuWithoutBf16(zen3)).contains("AMD EPYC 7B13").contains("no bfloat16 instructions");
        assertThat(Precision.cpuWithoutBf16(zen3.replace("avx512f", "avx512f avx512_bf16"))).isNull();
        assertThat(Precision.cpuWithoutBf16(zen3.replace("avx512f", "amx_bf16 amx_tile"))).isNull();
        assertThat(Precision.cpuWithoutBf16("Features\t: fp asimd bf16 i8mm\n")).isNull(); // Arm
        assertThat(Precision.cpuWithoutBf16("")).contains("this CPU");
        assertThat(Precision.of("bf16")).isEqualTo(Precision.BF16);
        assertThat(Precision.of("FP32")).isEqualTo(Precision.FP32);
        assertThatThrownBy(() -> Precision.of("fp16")).hasMessageContaining("use fp32 or bf16");
    }

    /** On this machine's CPU: a clear refusal without bf16 instructions, a run with them. */
    @Test
    void theCliRefusesBf16OnACpuWithoutIt() {
        CliSmokeTest.Run r = jgan("bench", "--precision", "bf16", "--iterations", "2", "--warmup", "1");
        if (Precision.cpuWithoutBf16() != null) {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(JganException.USAGE);
            assertThat(r.err()).contains("--precision bf16:").contains("use --precision fp32").doesNotContain("Exception");
        } else {
            assertThat(r.exitCode()).as(r.err()).isZero();
        }
        CliSmokeTest.Run bad = jgan("bench", "--precision", "half", "--iterations", "2");
        assertThat(bad.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(bad.err()).contains("unknown precision 'half'");
        CliSmokeTest.Run cuda = jgan("bench", "--device", "cuda", "--iterations", "2");
        if (!org.bytedeco.pytorch.global.torch.cuda_is_available()) {
            assertThat(cuda.exitCode()).isEqualTo(JganException.USAGE);
            assertThat(cuda.err()).contains("--device cuda: no CUDA device is usable here").contains("use --device cpu");
        }
        assertThat(jgan("bench", "--device", "tpu", "--iterations", "2").err()).contains("use cpu, cuda or cuda:N");
    }

    /** Inside an autocast region a matrix product is bfloat16; outside, and the weights, float32. */
    @Test
    void autocastLowersProductsOnly() {
        Torch.usePrecisionEvenIfEmulated(Precision.BF16);
        try (Scope s = Scope.open()) {
            Tensor a = Torch.randn(4, 8);
            Tensor b = Torch.randn(8, 3);
            try (Torch.Autocast ac = Torch.autocast()) {
                assertThat(a.matmul(b).scalar_type().value).isEqualTo(ScalarType.BFloat16.value);
            }
            assertThat(a.matmul(b).scalar_type().value).isEqualTo(ScalarType.Float.value);
            Torch.usePrecisionEvenIfEmulated(Precision.FP32);
            try (Torch.Autocast ac = Torch.autocast()) {
                assertThat(a.matmul(b).scalar_type().value).isEqualTo(ScalarType.Float.value);
            }
        }
    }

    /** The 1-D toy still learns its Gaussian with bf16 forward passes (the fp32 test's tolerances). */
    @Test
    void theToyLearnsUnderBf16() {
        Torch.usePrecisionEvenIfEmulated(Precision.BF16);
        GanConfig config = Family.toy(0.4, 0.1, 2000).withTrain(t -> t.seed(3)).validate();
        GaussianToy.Result r = GaussianToy.run(config, List.of());
        assertThat(r.generatedMean()).as("generated mean").isCloseTo(r.realMean(), within(0.05));
        assertThat(r.generatedStd()).as("generated std").isCloseTo(r.realStd(), within(0.04));
    }

    /** The MLP's losses under bf16 stay near float32's, and its weights and gradients stay float32. */
    @Test
    void mlpTrainsWithFloat32MasterWeights() {
        List<float[]> fp32 = losses(Precision.FP32);
        List<float[]> bf16 = losses(Precision.BF16);
        for (int i = 0; i < fp32.size(); i++) {
            assertThat(bf16.get(i)[0]).as("lossD at step %d", i + 1).isCloseTo(fp32.get(i)[0], within(0.05f));
            assertThat(bf16.get(i)[1]).as("lossG at step %d", i + 1).isCloseTo(fp32.get(i)[1], within(0.1f));
            assertThat(bf16.get(i)).isNotEqualTo(fp32.get(i)); // the products did run in bfloat16
        }
    }

    /**
     * DCGAN under bf16 keeps finite losses: before the whole channel blocks of model.Convolutions it diverged by its
     * third step on an AVX-512 CPU (NaN from G's last convolution's input gradient), and within 20
     * steps its losses stay near float32's.
     */
    @Test
    void dcganTrainsUnderBf16() {
        List<float[]> fp32 = losses(Precision.FP32, Family.DCGAN, 20);
        List<float[]> bf16 = losses(Precision.BF16, Family.DCGAN, 20);
        for (int i = 0; i < fp32.size(); i++) {
            assertThat(Float.isFinite(bf16.get(i)[0]) && Float.isFinite(bf16.get(i)[1])).as("finite losses at step %d", i + 1)
                    .isTrue();
            assertThat(bf16.get(i)[0]).as("lossD at step %d", i + 1).isCloseTo(fp32.get(i)[0], within(0.25f));
        }
    }

    private static List<float[]> losses(Precision p) {
        return losses(p, Family.MLP, 4);
    }

    private static List<float[]> losses(Precision p, Family family, int steps) {
        Torch.usePrecisionEvenIfEmulated(p);
        GanConfig config = family.preset(10).withData(DataConfig.embedded(family == Family.MLP ? 200 : 640))
                .withTrain(t -> t.batchSize(family == Family.MLP ? 50 : 32))
                .withSchedule(s -> s.maxSteps(steps)).validate();
        List<float[]> out = new ArrayList<>();
        try (Trainer trainer = Trainer.gan(config, TrainingData.load(config.data(), config.model(), 0))) {
            trainer.addListener(new TrainingListener() {
                @Override
                public void onStep(io.jgan.train.RunView run, StepRecord r) {
                    out.add(new float[] {r.lossD(), r.lossG()});
                }
            });
            trainer.fit();
            for (Parameter w : trainer.generator().trainableParameters()) {
                assertThat(w.tensor().scalar_type().value).isEqualTo(ScalarType.Float.value);
            }
        }
        return out;
    }
}
