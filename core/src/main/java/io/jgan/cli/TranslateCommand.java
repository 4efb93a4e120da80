package io.jgan.cli;

import io.jgan.JganException;
import io.jgan.pix2pix.Translation;
import io.jgan.sample.Sampler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan translate}: a trained pix2pix generator on new input images. */
@Command(name = "translate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Translate images with a trained image-to-image generator (jgan train --model pix2pix).",
            "Writes one PNG per input under --out, and overview.png: inputs above their translations."})
public final class TranslateCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--input", paramLabel = "DIR_OR_IMAGE",
            description = "an image, or a folder of images, of the size the model was trained on")
    Path input;

    @Option(names = "--held-out-sketches", paramLabel = "N",
            description = "instead of --input: the sketches of N held-out embedded digits (9,000 on), written to"
                    + " OUT/sketches/ first; also reports how many translations jgan's digit classifier assigns the"
                    + " sketched digit's class")
    Integer heldOut;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write (created if missing)")
    Path out;

    @Override
    public Integer call() {
        engine.apply();
        if ((input == null) == (heldOut == null)) {
            throw new JganException(JganException.USAGE, "give --input DIR_OR_IMAGE, or --held-out-sketches N");
        }
        byte[] labels = null;
        if (heldOut != null) {
            labels = Translation.writeHeldOutSketches(out.resolve("sketches"), heldOut);
            input = out.resolve("sketches");
        }
        PrintWriter w = spec.commandLine().getOut();
        try (Sampler g = Sampler.load(checkpoint.checkpoint)) {
            Translation t = Translation.ofFolder(g, input, out);
            int n = t.count();
            w.printf("jgan: translated %d image%s from %s with %s (step %d) into %s%n", n, n == 1 ? "" : "s", input,
                    g.checkpoint(), g.manifest().step(), out);
            if (labels != null) {
                int agree = t.classAgreement(g.model(), labels);
                w.printf(Locale.ROOT, "jgan: class agreement %.1f%% (%d of %d translations classified as the sketched"
                        + " digit by jgan's digit classifier)%n", 100.0 * agree / n, agree, n);
            }
        }
        return 0;
    }
}
