package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.checkpoint.RunFolder;
import io.jgan.config.ModelConfig;
import io.jgan.format.NamedTensor;
import io.jgan.format.SafeTensors;
import io.jgan.model.LatentNoise;
import io.jgan.sample.GeneratorPort;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan export} and {@code jgan import}: generators to and from PyTorch as safetensors. */
final class PortCommands {

    private PortCommands() {}

    /** {@code jgan export}: a checkpoint's generator as a safetensors file PyTorch loads. */
    @Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a trained generator as safetensors that the tutorial's PyTorch module loads.",
                "Tensors are named as the module names them (mlp: GeneratorNet of 'GANs from Scratch 1'; mlp-bn: the",
                "GAN course's Generator; dcgan: pytorch/examples' dcgan Generator). The README has the mapping and",
                "the Python that loads the file."})
    static final class Export implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        CheckpointOption from;

        @Mixin
        OutFileOption file;

        @Option(names = "--reference", paramLabel = "FILE",
                description = "also write latent vectors z, their labels and jgan's G(z) here, to check a port against")
        Path reference;

        @Option(names = "--reference-n", paramLabel = "N", description = "samples in --reference (default ${DEFAULT-VALUE})")
        int referenceN = 8;

        @Override
        public Integer call() {
            if (referenceN < 1 || referenceN > 1024) {
                throw new JganException(JganException.USAGE, "--reference-n must be in 1..1024, got " + referenceN);
            }
            SampleCommand.requireOutputFolder(file.out);
            if (reference != null) {
                SampleCommand.requireOutputFolder(reference);
            }
            Map<String, String> meta = GeneratorPort.export(from.checkpoint, file.out);
            spec.commandLine().getOut().printf("jgan: wrote the %s generator of %s (step %s%s) to %s%n", meta.get("family"),
                    from.checkpoint, meta.get("step"), meta.get("weight_average").equals("none") ? "" : ", with its weight average",
                    file.out);
            if (reference != null) {
                writeReference();
            }
            return 0;
        }

        /** z (N, latent), labels (N) and x = G(z) (N, C*H*W) from the weights jgan samples with. */
        private void writeReference() {
            try (Sampler sampler = Sampler.load(from.checkpoint)) {
                ModelConfig m = sampler.model();
                int n = referenceN;
                float[] z = LatentNoise.gaussian(1, n * m.latentDim());
                int[] labels = LatentNoise.cyclicLabels(n, Math.max(1, m.classes()));
                float[] x = m.conditional() ? sampler.generate(z, labels) : sampler.generate(z, n);
                float[] y = new float[n];
                for (int i = 0; i < n; i++) {
                    y[i] = labels[i];
                }
                SafeTensors.write(reference, List.of(
                        new NamedTensor("z", new long[] {n, m.latentDim()}, z),
                        new NamedTensor("labels", new long[] {n}, y),
                        new NamedTensor("x", new long[] {n, m.dataDim()}, x)),
                        Map.of("weights", sampler.manifest().contents().contains("generator-ema") ? "ema" : "generator"));
                spec.commandLine().getOut().printf("jgan: wrote %d reference samples to %s%n", n, reference);
            } catch (IOException e) {
                throw new JganException(JganException.IO, "cannot write " + reference + ": " + e.getMessage(), e);
            }
        }
    }

    /** {@code jgan import}: a safetensors generator (e.g. a PyTorch state_dict) as a jgan run. */
    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Turn a safetensors generator (a jgan export, or a PyTorch state_dict) into a run.",
                "The run folder it writes is accepted by sample, eval, interpolate, traverse and serve."})
    static final class Import implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--weights", required = true, paramLabel = "FILE", description = "safetensors file")
        Path weights;

        @Option(names = "--out", required = true, paramLabel = "RUN", description = "run folder to create (new or empty)")
        Path out;

        @Option(names = "--model", paramLabel = "NAME",
                description = "mlp, mlp-bn or dcgan; needed when the file is not a jgan export")
        String model;

        @Option(names = "--classes", paramLabel = "K",
                description = "classes of a conditional generator (input: z, then the one-hot code); default ${DEFAULT-VALUE}")
        int classes = 0;

        @Option(names = "--channels", paramLabel = "C", description = "image channels of an MLP generator (default 1)")
        Integer channels;

        @Override
        public Integer call() {
            RunFolder.requireNewOrEmpty(out); // before anything is read or written
            Path dir = GeneratorPort.importWeights(weights, new GeneratorPort.ImportOptions(model, classes, channels), out);
            try (Sampler s = Sampler.load(dir)) {
                ModelConfig m = s.model();
                spec.commandLine().getOut().printf("jgan: imported a %s generator (latent %d%s, %dx%dx%d) from %s into %s%n",
                        m.family(), m.latentDim(), m.conditional() ? ", " + m.classes() + " classes" : "", m.channels(),
                        m.height(), m.width(), weights, dir);
            }
            return 0;
        }
    }
}
