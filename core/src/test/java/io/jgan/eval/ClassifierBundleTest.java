package io.jgan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jgan.JganException;
import io.jgan.checkpoint.TensorFile;
import io.jgan.format.NamedTensor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped classifiers: as accurate as they claim, unsure of noise, and tied to their statistics. */
class ClassifierBundleTest {

    @TempDir
    Path tmp;

    @Test
    void theShippedDigitClassifierIsAccurateOnHeldOutDigitsAndUnsureOfNoise() {
        try (ClassifierBundle b = ClassifierBundle.shipped("mnist")) {
            ClassifierBuilder.Split s = ClassifierBuilder.split("mnist", null, 0, 1);
            DomainClassifier.Output out = b.classifier().run(s.heldOut(), s.heldOutCount());
            int right = 0;
            for (int i = 0; i < out.n(); i++) {
                right += out.argmax(i) == s.heldOutLabels()[i] ? 1 : 0;
            }
            double accuracy = right / (double) out.n();
            assertThat(accuracy).isGreaterThanOrEqualTo(0.98).isEqualTo(b.info().heldOutAccuracy());
            assertThat(ClassifierBuilder.noiseConfidence(b.classifier(), 500, 7)).isLessThan(0.2);
            // the reference statistics are those of the classifier's own features of the reference split
            DomainClassifier.Output ref = b.classifier().run(s.train(), s.trainCount());
            double[] mu = FeatureMath.mean(ref.features(), ref.n(), DomainClassifier.FEATURES);
            for (int i = 0; i < mu.length; i++) {
                assertThat(mu[i]).isCloseTo(b.mu()[i], org.assertj.core.data.Offset.offset(1e-3 * (1 + Math.abs(mu[i]))));
            }
        }
    }

    @Test
    void classAgreementIsTheShareClassifiedAsTheClassAskedForInTurn() {
        // held-out digits laid out as a conditional G's samples are: image i of class i mod 10
        ClassifierBuilder.Split s = ClassifierBuilder.split("mnist", null, 0, 1);
        int perClass = 40;
        int n = 10 * perClass;
        float[] inTurn = new float[n * 784];
        int[] filled = new int[10];
        for (int i = 0; i < s.heldOutCount() && java.util.Arrays.stream(filled).min().getAsInt() < perClass; i++) {
            int y = s.heldOutLabels()[i];
            if (filled[y] < perClass) {
                System.arraycopy(s.heldOut(), i * 784, inTurn, (filled[y] * 10 + y) * 784, 784);
                filled[y]++;
            }
        }
        try (ClassifierBundle b = ClassifierBundle.shipped("mnist")) {
            DomainClassifier.Output out = b.classifier().run(inTurn, n);
            int right = 0;
            for (int i = 0; i < n; i++) {
                right += out.argmax(i) == i % 10 ? 1 : 0;
            }
            EvalReport r = Evaluator.evaluate(b, inTurn, n, null, 0, null, "held-out digits in turn", 1, 10);
            assertThat(r.classAgreement()).isEqualTo(right / (double) n).isGreaterThan(0.97);
            // asked for classes one later, the same images agree with almost none
            float[] shifted = new float[n * 784];
            System.arraycopy(inTurn, 784, shifted, 0, (n - 1) * 784);
            assertThat(Evaluator.evaluate(b, shifted, n - 1, null, 0, null, "shifted", 1, 10).classAgreement())
                    .isLessThan(0.05);
            assertThat(Evaluator.evaluate(b, inTurn, n, null, 0, null, "unconditional", 1).classAgreement()).isNull();
        }
    }

    @Test
    void theReaderRejectsMismatchedWeightsAndStatistics() throws Exception {
        Path mnist = copyShipped("mnist", tmp.resolve("mnist"));
        Path fashion = copyShipped("fashion", tmp.resolve("fashion"));
        ClassifierBundle.load(mnist).close(); // the untouched copy loads

        // another domain's statistics
        Files.copy(fashion.resolve("reference.tensors"), mnist.resolve("reference.tensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ClassifierBundle.load(mnist)).isInstanceOfSatisfying(JganException.class,
                e -> assertThat(e.exitCode()).isEqualTo(JganException.BAD_CHECKPOINT))
                .hasMessageContaining("reference.tensors is not the file");

        // statistics recomputed differently (a nudged mean), weights untouched
        copyShipped("mnist", mnist);
        List<NamedTensor> ref = new ArrayList<>(TensorFile.read(mnist.resolve("reference.tensors")));
        float[] mu = ref.get(0).data().clone();
        mu[0] += 0.5f;
        ref.set(0, new NamedTensor("mu", ref.get(0).shape(), mu));
        Files.delete(mnist.resolve("reference.tensors"));
        TensorFile.write(mnist.resolve("reference.tensors"), ref);
        assertThatThrownBy(() -> ClassifierBundle.load(mnist)).isInstanceOf(JganException.class)
                .hasMessageContaining("reference.tensors is not the file");

        // other weights with these statistics
        copyShipped("mnist", mnist);
        Files.copy(fashion.resolve("classifier.tensors"), mnist.resolve("classifier.tensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ClassifierBundle.load(mnist)).isInstanceOf(JganException.class)
                .hasMessageContaining("classifier.tensors is not the file");

        // another format version
        copyShipped("mnist", mnist);
        Path json = mnist.resolve("classifier.json");
        Files.writeString(json, Files.readString(json).replace("\"formatVersion\" : 1", "\"formatVersion\" : 7"));
        assertThatThrownBy(() -> ClassifierBundle.load(mnist)).isInstanceOf(JganException.class)
                .hasMessageContaining("not a version 1 jgan classifier");
    }

    private static Path copyShipped(String domain, Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String name : List.of("classifier.json", "classifier.tensors", "reference.tensors")) {
            try (InputStream in = ClassifierBundle.class.getResourceAsStream(ClassifierBundle.RESOURCES + domain + "/" + name)) {
                Files.copy(in, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }
}
