package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jgan.JganException;
import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.config.GanConfig;
import io.jgan.data.TrainingData;
import io.jgan.sample.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint describes itself, and G rebuilt from it alone generates what the trained G did. */
class CheckpointRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void rebuiltGeneratorMatchesTrainedOne() throws IOException {
        GanConfig config = DeterminismTest.tiny(5);
        float[] expected;
        Path checkpoint;
        try (Trainer trainer = Trainer.gan(config, TrainingData.load(config.data(), config.model(), 5))) {
            trainer.fit();
            expected = trainer.generate(6, 42);
            checkpoint = new Checkpointer(dir.resolve("checkpoints"), 0, 2).save(trainer);
        }
        assertThat(checkpoint.getFileName().toString()).isEqualTo("step-00000006");
        CheckpointManifest m = Checkpoints.readManifest(checkpoint);
        assertThat(m.formatVersion()).isEqualTo(CheckpointSchema.FORMAT_VERSION);
        assertThat(m.step()).isEqualTo(6);
        assertThat(m.epoch()).isEqualTo(2);
        assertThat(m.seed()).isEqualTo(5);
        assertThat(m.config()).isEqualTo(config);
        try (Sampler sampler = Sampler.load(dir)) { // the run folder resolves to its newest checkpoint
            assertThat(sampler.sample(6, 42)).isEqualTo(expected);
        }
        // a damaged tensor file is refused, not loaded
        Path g = Files.list(checkpoint).filter(p -> p.getFileName().toString().startsWith("generator"))
                .findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(g);
        bytes[bytes.length / 2] ^= 1;
        Files.write(g, bytes);
        assertThatThrownBy(() -> Sampler.load(checkpoint)).isInstanceOf(JganException.class)
                .hasMessageContaining(g.getFileName().toString());
    }
}
