package io.jgan.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.format.Json;
import io.jgan.model.Family;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The config's JSON: today's layout round-trips, and a run written before the schedule had a record
 * of its own (its fields sat in {@code train}) still reads, with the same values.
 */
class GanConfigJsonTest {

    @Test
    void roundTrips() throws Exception {
        GanConfig c = Family.DCGAN.preset(7).withTrain(t -> t.seed(5).emaDecay(0.999))
                .withSchedule(s -> s.maxSteps(300).evalEvery(50));
        GanConfig back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(c), GanConfig.class);
        assertThat(back).isEqualTo(c);
    }

    /**
     * A self-conditioned run keeps its clusters (data) and their shares (model); a config without
     * them, as every earlier one, reads with none and writes neither field.
     */
    @Test
    void clustersRoundTripAndAreAbsentByDefault() throws Exception {
        GanConfig plain = Family.DCGAN.preset(7);
        String json = new String(Json.MAPPER.writeValueAsBytes(plain), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("clusters").doesNotContain("clusterShares");
        assertThat(Json.MAPPER.readValue(json, GanConfig.class).model().clusterShares()).isEmpty();

        GanConfig clustered = new GanConfig(plain.data().withClusters(3),
                plain.model().withClusterShares(java.util.List.of(0.5, 0.3, 0.2)), plain.train(), plain.schedule());
        GanConfig back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(clustered), GanConfig.class);
        assertThat(back).isEqualTo(clustered);
        assertThat(back.data().clusters()).isEqualTo(3);
        assertThat(back.model().classes()).isEqualTo(3);
        assertThat(back.model().selfConditioned()).isTrue();
        assertThat(back.model().dataClasses()).as("clusters are not classes a classifier checks").isZero();
    }

    /** config.json of a 600-step default run written by the version before this layout. */
    @Test
    void readsTheLayoutWrittenBeforeTheSchedule() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("config-before-schedule.json")) {
            GanConfig c = Json.MAPPER.readValue(in, GanConfig.class).validate();
            assertThat(c.schedule()).isEqualTo(new RunSchedule(80, 600, 300, 0, 2, 2, 0, 1000));
            assertThat(c.train()).isEqualTo(Family.MLP.preset(80).train().toBuilder().seed(1).build());
            assertThat(c.model()).isEqualTo(Family.MLP.preset(80).model());
        }
    }
}
