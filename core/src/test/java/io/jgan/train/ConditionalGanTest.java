package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.data.Samples;
import io.jgan.model.Family;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A conditional GAN learns what its label means, on seed 000's toy made conditional: class 0 is
 * N(-0.5, 0.1), class 1 is N(0.5, 0.1). An unconditional G could only match the two-humped
 * mixture; per label, its samples would have mean 0 and spread 0.5. The conditional G must put
 * each label's samples on its own Gaussian.
 */
class ConditionalGanTest {

    @Test
    void eachLabelsSamplesFollowThatLabelsGaussian() {
        GanConfig toy = Family.toy(0.0, 0.2, 2000);
        ModelConfig m = toy.model();
        GanConfig config = new GanConfig(toy.data(),
                new ModelConfig(m.family(), m.latentDim(), 1, 1, 1, m.range(), 2), toy.train().toBuilder().seed(2).build(),
                toy.schedule()).validate();
        int count = 10_000;
        float[] v = new float[count];
        byte[] labels = new byte[count];
        Random rng = new Random(4);
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 2);
            v[i] = (float) ((labels[i] == 0 ? -0.5 : 0.5) + 0.1 * rng.nextGaussian());
        }
        int n = 4000;
        float[] x;
        try (Trainer trainer = Trainer.gan(config, new Samples(count, 1, v, labels, "two labelled Gaussians"))) {
            trainer.fit();
            x = trainer.generate(n, 9); // labels 0, 1, 0, 1, ...
        }
        for (int label = 0; label < 2; label++) {
            double sum = 0;
            double sq = 0;
            for (int i = label; i < n; i += 2) {
                sum += x[i];
                sq += x[i] * (double) x[i];
            }
            double mean = sum / (n / 2);
            double std = Math.sqrt(sq / (n / 2) - mean * mean);
            System.out.printf("ConditionalGanTest: label %d: mean %.3f std %.3f%n", label, mean, std);
            assertThat(mean).as("label %d mean", label).isCloseTo(label == 0 ? -0.5 : 0.5, within(0.06));
            assertThat(std).as("label %d std", label).isCloseTo(0.1, within(0.05));
        }
    }
}
