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
