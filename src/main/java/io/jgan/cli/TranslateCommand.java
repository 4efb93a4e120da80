package io.jgan.cli;

import io.jgan.model.Family;
import io.jgan.JganException;
import io.jgan.config.ModelConfig;
import io.jgan.data.ImageFolderReader;
import io.jgan.data.PairedData;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.DomainClassifier;
import io.jgan.eval.EvalInputs;
import io.jgan.data.TrainingData;
import io.jgan.io.ImageGrid;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgan translate}: a trained pix2pix generator on new input images. */
@Command(name = "translate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Translate images with a trained image-to-image generator (jgan train --model pix2pix).",
            "Writes one PNG per input under --out, and overview.png: inputs above their translations."})
public final class TranslateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN", description = "run or checkpoint folder")
    Path checkpoint;

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

    /** Writes the sketches of held-out digits 9,000.. as PNG files (names sort in digit order); returns their classes. */
    private static byte[] writeHeldOutSketches(Path dir, int n) {
        PairedData demo = PairedData.digitSketches(0);
        int first = demo.inputs().count() - io.jgan.pix2pix.Pix2PixGame.heldOutCount(demo.inputs().count());
        int size = demo.inputs().imageSize();
        byte[] labels = new byte[n];
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < n; i++) {
                int k = first + i;
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(demo.inputs().cols(),
                        demo.inputs().rows(), java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setDataElements(0, 0, demo.inputs().cols(), demo.inputs().rows(),
                        Arrays.copyOfRange(demo.inputs().pixels(), k * size, (k + 1) * size));
                labels[i] = demo.labels()[k];
                javax.imageio.ImageIO.write(img, "png", dir.resolve(String.format("digit-%05d.png", k)).toFile());
            }
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write to " + dir + ": " + e.getMessage());
        }
        return labels;
    }

    @Override
    public Integer call() {
        if ((input == null) == (heldOut == null)) {
            throw new JganException(JganException.USAGE, "give --input DIR_OR_IMAGE, or --held-out-sketches N");
        }
        byte[] labels = null;
        if (heldOut != null) {
            if (heldOut < 1 || heldOut > 1000) {
                throw new JganException(JganException.USAGE, "--held-out-sketches must be in 1..1000, got " + heldOut);
            }
            labels = writeHeldOutSketches(out.resolve("sketches"), heldOut);
            input = out.resolve("sketches");
        }
        try (Sampler g = Sampler.load(checkpoint)) {
            ModelConfig m = g.model();
            if (!Family.of(m).imageToImage()) {
                throw new JganException(JganException.USAGE, "checkpoint " + g.checkpoint() + " holds a " + m.family()
                        + " generator, which samples noise: translate needs a pix2pix run (jgan train --model pix2pix)");
            }
            ImageFolderReader.Named in = ImageFolderReader.readNamed(input, m.channels());
            if (in.images().rows() != m.height() || in.images().cols() != m.width()) {
                throw new JganException(JganException.BAD_DATA, "the input images are " + in.images().cols() + "x"
                        + in.images().rows() + " but this model translates " + m.width() + "x" + m.height() + " images");
            }
            int n = in.images().count();
            float[] a = TrainingData.scale(in.images(), m.range());
            float[] b = g.translate(a, n);
            int dim = m.dataDim();
            try {
                Files.createDirectories(out);
                for (int i = 0; i < n; i++) {
                    String name = in.names().get(i).replace('/', '_').replaceFirst("\\.(png|jpe?g)$", "") + ".png";
                    ImageGrid.writePng(out.resolve(name), ImageGrid.render(Arrays.copyOfRange(b, i * dim, (i + 1) * dim), 1,
                            m.channels(), m.height(), m.width(), m.range(), 1, 0, 1));
                }
                int shown = Math.min(n, 16);
                ImageGrid.writePng(out.resolve("overview.png"), ImageGrid.rows(m, shown, 3,
                        Arrays.copyOf(a, shown * dim), Arrays.copyOf(b, shown * dim)));
            } catch (IOException e) {
                throw new JganException(JganException.IO, "cannot write to " + out + ": " + e.getMessage());
            }
            spec.commandLine().getOut().printf("jgan: translated %d image%s from %s with %s (step %d) into %s%n", n,
                    n == 1 ? "" : "s", input, g.checkpoint(), g.manifest().step(), out);
            if (labels != null) {
                try (ClassifierBundle digits = ClassifierBundle.shipped("mnist")) {
                    DomainClassifier.Output c = digits.classifier().run(EvalInputs.asSaved(b, m.range()), n);
                    int agree = 0;
                    for (int i = 0; i < n; i++) {
                        agree += c.argmax(i) == (labels[i] & 0xff) ? 1 : 0;
                    }
                    spec.commandLine().getOut().printf(java.util.Locale.ROOT, "jgan: class agreement %.1f%% (%d of %d"
                            + " translations classified as the sketched digit by jgan's digit classifier)%n",
                            100.0 * agree / n, agree, n);
                }
            }
        }
        return 0;
    }
}
