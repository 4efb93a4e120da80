package io.jgan.pix2pix;

import io.jgan.JganException;
import io.jgan.config.ModelConfig;
import io.jgan.data.ImageFolderReader;
import io.jgan.data.PairedData;
import io.jgan.data.TrainingData;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.DomainClassifier;
import io.jgan.eval.EvalInputs;
import io.jgan.format.ImageGrid;
import io.jgan.model.Family;
import io.jgan.sample.Sampler;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * A trained image-to-image generator on new images ({@code jgan translate}): a folder of inputs
 * in, one PNG per translation and {@code overview.png} (inputs above their translations) out.
 *
 * @param count images translated
 * @param outputs the translations, (count, dataDim) in the model's pixel range
 */
public record Translation(int count, float[] outputs) {

    /** Inputs shown in {@code overview.png}. */
    static final int OVERVIEW = 16;

    /**
     * Translates every image of a folder (or one image) and writes the results.
     *
     * @param g a pix2pix checkpoint's generator
     * @param input an image or a folder of images of the model's size
     * @param out the folder to write (created if missing)
     * @return what was translated
     * @throws JganException for a generator that is not image-to-image, images of another size, or
     *     an unwritable folder
     */
    public static Translation ofFolder(Sampler g, Path input, Path out) {
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
        float[] a = TrainingData.scale(in.images(), m.range()); // (n, dataDim)
        float[] b = g.translate(a, n);
        int dim = m.dataDim();
        try {
            Files.createDirectories(out);
            for (int i = 0; i < n; i++) {
                String name = in.names().get(i).replace('/', '_').replaceFirst("\\.(png|jpe?g)$", "") + ".png";
                ImageGrid.writePng(out.resolve(name), ImageGrid.single(m, b, i));
            }
            int shown = Math.min(n, OVERVIEW);
            ImageGrid.writePng(out.resolve("overview.png"), ImageGrid.rows(m, shown, 3, Arrays.copyOf(a, shown * dim),
                    Arrays.copyOf(b, shown * dim)));
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write to " + out + ": " + e.getMessage());
        }
        return new Translation(n, b);
    }

    /**
     * Writes the sketches of the held-out digits of the built-in demo (9,000 on) as PNG files whose
     * names sort in digit order.
     *
     * @param dir the folder (created if missing)
     * @param n how many, 1..1000
     * @return each sketch's digit
     */
    public static byte[] writeHeldOutSketches(Path dir, int n) {
        if (n < 1 || n > 1000) {
            throw new JganException(JganException.USAGE, "--held-out-sketches must be in 1..1000, got " + n);
        }
        PairedData demo = PairedData.digitSketches(0);
        int first = demo.inputs().count() - Pix2PixGame.heldOutCount(demo.inputs().count());
        int size = demo.inputs().imageSize();
        byte[] labels = new byte[n];
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < n; i++) {
                int k = first + i;
                BufferedImage img = new BufferedImage(demo.inputs().cols(), demo.inputs().rows(),
                        BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setDataElements(0, 0, demo.inputs().cols(), demo.inputs().rows(),
                        Arrays.copyOfRange(demo.inputs().pixels(), k * size, (k + 1) * size));
                labels[i] = demo.labels()[k];
                ImageIO.write(img, "png", dir.resolve(String.format("digit-%05d.png", k)).toFile());
            }
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write to " + dir + ": " + e.getMessage());
        }
        return labels;
    }

    /**
     * How many translations jgan's digit classifier assigns the class their input was drawn from.
     *
     * @param m the model
     * @param labels each input's digit
     * @return the count that agree
     */
    public int classAgreement(ModelConfig m, byte[] labels) {
        try (ClassifierBundle digits = ClassifierBundle.shipped("mnist")) {
            DomainClassifier.Output c = digits.classifier().run(EvalInputs.asSaved(outputs, m.range()), count);
            int agree = 0;
            for (int i = 0; i < count; i++) {
                agree += c.argmax(i) == (labels[i] & 0xff) ? 1 : 0;
            }
            return agree;
        }
    }
}
