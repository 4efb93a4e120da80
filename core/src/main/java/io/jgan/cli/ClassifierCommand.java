package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.eval.ClassifierBuilder;
import io.jgan.eval.ClassifierInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jgan classifier}: trains the domain classifier behind {@code jgan eval} and writes it with
 * its reference statistics. The shipped ones were made by the commands in the README.
 */
@Command(name = "classifier", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the domain classifier behind `jgan eval`.",
            "Writes it with the reference statistics of the real data (classifier.json,",
            "classifier.tensors, reference.tensors)."})
public final class ClassifierCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Option(names = "--domain", paramLabel = "NAME", required = true, description = "mnist (the embedded digits),"
            + " fashion, or a name of your own for the labelled images in --data (a tenth of them held out)")
    String domain;

    @Option(names = "--data", paramLabel = "DIR", description = "fashion: the Fashion-MNIST folder (train and t10k IDX"
            + " files); your own domain: an image folder with a subfolder per class, IDX files with labels, or"
            + " CIFAR-10's data_batch_N.bin files")
    Path data;

    @Option(names = "--image-size", paramLabel = "N", description = "image folders: resize and centre-crop to N x N"
            + " (as train's --image-size; give the same N)")
    int imageSize;

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the training split (default ${DEFAULT-VALUE})")
    int epochs = 12;

    @Option(names = "--seed", paramLabel = "S", description = "seed (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "folder to write (the shipped ones: src/main/resources/io/jgan/eval/<domain>)")
    Path out;

    @Override
    public Integer call() throws IOException {
        engine.apply();
        if (epochs < 1 || epochs > 1000) {
            throw new JganException(JganException.USAGE, "--epochs must be in 1..1000, got " + epochs);
        }
        PrintWriter w = spec.commandLine().getOut();
        String command = "jgan classifier --domain " + domain + (data != null ? " --data " + data : "")
                + (imageSize != 0 ? " --image-size " + imageSize : "") + " --epochs "
                + epochs + " --seed " + seed;
        long t0 = System.nanoTime();
        ClassifierInfo info;
        try {
            info = ClassifierBuilder.build(domain, data, imageSize, epochs, seed, out, command, w);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + out + ": " + e.getMessage());
        }
        w.printf(Locale.ROOT, "jgan: %s classifier: held-out accuracy %.2f%% on %s, noise max-probability %.3f,"
                + " %.0f s; wrote %s%n", domain, 100 * info.heldOutAccuracy(), info.heldOutSplit(),
                info.noiseMeanMaxProb(), (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
