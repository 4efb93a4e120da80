package io.jgan.model;

import static io.jgan.cli.CliSmokeTest.jgan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgan.cli.CliSmokeTest;
import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SNGAN's ResNet G and D: shapes for both sides, the residual sums, and a short run of the family's preset. */
class SnganTest {

    @TempDir
    Path tmp;

    @Test
    void generatorAndDiscriminatorHaveTheDesignsShapes() {
        for (int side : new int[] {28, 32}) {
            ModelConfig m = new ModelConfig("sngan", 128, 3, side, side, PixelRange.SYMMETRIC, 0);
            Family f = Family.of(m);
            try (Network g = f.newGenerator("generator", m);
                    Network d = f.newDiscriminator("discriminator", m, true, false);
                    Scope s = Scope.open()) {
                var x = g.forward(Torch.randn(5, 128), true);
                assertThat(Torch.shape(x)).containsExactly(5, 3L * side * side);
                float[] v = Torch.floats(x);
                for (float p : v) {
                    assertThat(p).isBetween(-1f, 1f); // tanh out
                }
                assertThat(Torch.shape(d.forward(x, true))).containsExactly(5, 1);
                // every conv and linear of D normalised, none of them with batch norm
                assertThat(d.namedParameters().stream().filter(p -> p.name().endsWith("_weight_u")).count())
                        .isEqualTo(side == 28 ? 3 + 3 + 2 + 1 : 3 + 3 + 3 + 2 + 1); // blocks' convs (+ 1x1 shortcuts), head
                assertThat(d.namedParameters().stream().anyMatch(p -> p.name().contains("gamma"))).isFalse();
            }
        }
    }

    @Test
    void theFamilysPresetTrainsUnconditionalAndWithAProjection() {
        CliSmokeTest.Run r = jgan("train", "--model", "sngan", "--limit", "128", "--max-steps", "3", "--no-progress",
                "--no-tensorboard", "--out", tmp.resolve("a").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        r = jgan("train", "--model", "sngan", "--conditional", "--projection", "--limit", "128", "--max-steps", "3",
                "--no-progress", "--no-tensorboard", "--out", tmp.resolve("b").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("sngan GAN");
        // its G takes the class through conditional batch norm; sampling a class goes through it
        CliSmokeTest.Run sample = jgan("sample", "--checkpoint", tmp.resolve("b").toString(), "--n", "4", "--label", "3",
                "--out", tmp.resolve("threes.png").toString());
        assertThat(sample.exitCode()).as(sample.err()).isZero();
        assertThat(tmp.resolve("threes.png")).isRegularFile();
    }

    @Test
    void aConditionalGeneratorGivesEachClassItsOwnBatchNormGainAndBias() {
        ModelConfig m = new ModelConfig("sngan", 16, 1, 28, 28, PixelRange.SYMMETRIC, 10);
        try (Network g = Family.of(m).newGenerator("generator", m); Scope s = Scope.open()) {
            assertThat(g.namedParameters().stream().filter(p -> p.name().endsWith("ConditionalBatchNorm_gamma")))
                    .hasSize(2 * 2 + 1) // two per residual block, one before the last convolution
                    .allSatisfy(p -> assertThat(Torch.shape(p.tensor())[0]).isEqualTo(10));
            assertThat(g.namedParameters().stream().anyMatch(p -> p.name().endsWith("BatchNorm_gamma")
                    && !p.name().endsWith("ConditionalBatchNorm_gamma"))).as("no plain batch-norm scale").isFalse();
        }
    }

    @Test
    void theWidthIsTheModelsFeatureMapsAndTheSavedConfigSaysSoOnlyWhenChosen() throws Exception {
        ModelConfig m = new ModelConfig("sngan", 16, 1, 28, 28, PixelRange.SYMMETRIC, 0, 8);
        Family f = Family.of(m);
        try (Network g = f.newGenerator("generator", m);
                Network d = f.newDiscriminator("discriminator", m, true, false);
                Scope s = Scope.open()) {
            assertThat(Torch.shape(d.forward(g.forward(Torch.randn(3, 16), true), true))).containsExactly(3, 1);
            // G's first layer maps z to 8 maps of 7x7; D's last maps 8 pooled features to the logit
            assertThat(Torch.shape(g.namedParameters().get(0).tensor())).containsExactly(8 * 7 * 7, 16);
            var head = d.namedParameters().stream().filter(p -> p.name().endsWith("Linear_weight_orig")).toList();
            assertThat(head).hasSize(1);
            assertThat(Torch.shape(head.get(0).tensor())).containsExactly(1, 8);
        }
        // 0 (the family's own 64) is left out of config.json, so older configs read back the same
        ModelConfig defaults = new ModelConfig("sngan", 16, 1, 28, 28, PixelRange.SYMMETRIC, 0);
        assertThat(Json.MAPPER.writeValueAsString(defaults)).doesNotContain("featureMaps");
        assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(m), ModelConfig.class)).isEqualTo(m);
        String old = Json.MAPPER.writeValueAsString(defaults);
        assertThat(Json.MAPPER.readValue(old, ModelConfig.class).featureMaps()).isZero();
    }

    @Test
    void featureMapsTrainSampleAndResumeThroughTheCliWithThePresetsHingeLoss() throws Exception {
        Path run = tmp.resolve("narrow");
        CliSmokeTest.Run r = jgan("train", "--model", "sngan", "--feature-maps", "8", "--limit", "64", "--max-steps", "2",
                "--no-progress", "--no-tensorboard", "--out", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode config = Json.MAPPER.readTree(run.resolve("config.json").toFile());
        assertThat(config.get("model").get("featureMaps").asInt()).isEqualTo(8);
        assertThat(config.get("train").get("loss").asText()).as("the preset's loss when --loss is not given")
                .isEqualTo("hinge");
        CliSmokeTest.Run sample = jgan("sample", "--checkpoint", run.toString(), "--n", "4", "--out",
                tmp.resolve("s.png").toString());
        assertThat(sample.exitCode()).as(sample.err()).isZero();
        CliSmokeTest.Run resumed = jgan("train", "--resume", run.toString(), "--max-steps", "3", "--no-progress",
                "--no-tensorboard");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    }

    @Test
    void featureMapsAreRefusedOutOfRangeAndForFamiliesOfFixedWidth() {
        CliSmokeTest.Run r = jgan("train", "--model", "mlp", "--feature-maps", "8", "--max-steps", "1",
                "--out", tmp.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--feature-maps and --d-feature-maps set dcgan's and sngan's width; mlp has fixed layer sizes");
        r = jgan("train", "--model", "sngan", "--feature-maps", "2", "--max-steps", "1", "--out",
                tmp.resolve("y").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--feature-maps must be in 4..512, got 2");
        assertThat(tmp.resolve("x")).doesNotExist();
        assertThat(tmp.resolve("y")).doesNotExist();
    }
}
