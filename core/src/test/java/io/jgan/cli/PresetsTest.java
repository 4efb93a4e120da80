package io.jgan.cli;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgan.JganException;
import io.jgan.format.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --preset NAME: its options where the user gave none, the user's where given, refusals. */
class PresetsTest {

    @TempDir
    Path tmp;

    @Test
    void bestAddsItsOptionsAndKeepsTheUsers() {
        List<String> best = List.of(Presets.expand(new String[] {"train", "--preset", "best", "--conditional"}));
        assertThat(best).containsSubsequence("train", "--model", "dcgan", "--batch-size", "32", "--ema", "0.995",
                "--lr", "3e-4", "--feature-maps", "64", "--d-feature-maps", "32", "--preset", "best", "--conditional");
        assertThat(best).as("the labels condition, not clusters").doesNotContain("--clusters");
        List<String> mine = List.of(Presets.expand(new String[] {"bench", "--preset=best", "--batch-size=16"}));
        assertThat(mine).containsSubsequence("bench", "--model", "dcgan", "--ema", "0.995", "--preset=best",
                "--batch-size=16");
        assertThat(Collections.frequency(mine, "--batch-size")).isZero(); // the user's --batch-size=16 only
        assertThat(mine).as("without labels: self-conditioned").containsSubsequence("--clusters", "auto", "--preset=best");
        List<String> plain = List.of(Presets.expand(new String[] {"train", "--preset", "best", "--clusters=0"}));
        assertThat(Collections.frequency(plain, "--clusters")).isZero(); // the user's --clusters=0 only
        String[] none = {"train", "--model", "dcgan"};
        assertThat(Presets.expand(none)).isSameAs(none);
        String[] sample = {"sample", "--preset", "best"}; // not a command with presets: picocli refuses it
        assertThat(Presets.expand(sample)).isSameAs(sample);
    }

    @Test
    void aRunRecordsThePresetsValues() throws IOException {
        Path run = tmp.resolve("run");
        CliSmokeTest.Run r = jgan("train", "--preset", "best", "--limit", "128", "--max-steps", "2", "--no-progress",
                "--no-tensorboard", "--out", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode config = Json.MAPPER.readTree(run.resolve("config.json").toFile());
        assertThat(config.at("/model/family").asText()).isEqualTo("dcgan");
        assertThat(config.at("/train/batchSize").asInt()).isEqualTo(32);
        assertThat(config.at("/train/emaDecay").asDouble()).isEqualTo(0.995);
        assertThat(config.at("/train/lrG").asDouble()).isEqualTo(3e-4);
        assertThat(config.at("/train/lrD").asDouble()).isEqualTo(3e-4);
        assertThat(config.at("/model/featureMaps").asInt()).isEqualTo(64);
        assertThat(config.at("/model/dFeatureMaps").asInt()).isEqualTo(32);
        // --clusters auto, resolved on the data: 128 images give 2 clusters (one per 100, at least 2)
        assertThat(config.at("/data/clusters").asInt()).isEqualTo(2);
        assertThat(config.at("/model/clusterShares").size()).isEqualTo(2);
    }

    @Test
    void unknownPresetsAndOtherModelsAreRefused() {
        CliSmokeTest.Run r = jgan("train", "--preset", "fastest");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).startsWith("jgan: error: unknown --preset 'fastest': the presets are best")
                .doesNotContain("\tat ");
        r = jgan("train", "--resume", tmp.resolve("none").toString(), "--preset", "best");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).startsWith("jgan: error: --preset cannot be given with --resume");
        r = jgan("bench", "--preset", "best", "--model", "mlp");
        assertThat(r.exitCode()).isEqualTo(JganException.USAGE);
        assertThat(r.err()).contains("--preset best is a --model dcgan recipe", "leave out --model");
    }
}
