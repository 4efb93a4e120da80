package io.jgan.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgan.JganException;
import java.util.function.UnaryOperator;

/**
 * Everything a training run needs, validated once. Written as {@code config.json} in the run
 * folder and inside every checkpoint.
 *
 * @param data where samples come from
 * @param model what to build
 * @param train how to train it (kept by a resumed run)
 * @param schedule how long, and what to write when (a resumed run may change it)
 */
public record GanConfig(DataConfig data, ModelConfig model, TrainConfig train, RunSchedule schedule) {

    private static final ObjectMapper PARTS = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Reads a config from JSON, in this layout or in the one written before the schedule had its
     * own record (its fields then sat in {@code train}): runs and checkpoints written by earlier
     * versions keep loading.
     *
     * @param data {@code data}
     * @param model {@code model}
     * @param train {@code train}
     * @param schedule {@code schedule}, or null in the older layout
     * @return the config
     * @throws JsonProcessingException if a part does not read
     */
    @JsonCreator
    static GanConfig fromJson(@JsonProperty("data") DataConfig data, @JsonProperty("model") ModelConfig model,
            @JsonProperty("train") JsonNode train, @JsonProperty("schedule") JsonNode schedule)
            throws JsonProcessingException {
        return new GanConfig(data, model, PARTS.treeToValue(train, TrainConfig.class),
                PARTS.treeToValue(schedule != null ? schedule : train, RunSchedule.class));
    }

    /**
     * Checks all parts by the rules every family shares, before any native memory is touched;
     * {@code Family.validate(config)} adds the family's own.
     *
     * @return this, for chaining
     * @throws JganException naming the first bad value
     */
    public GanConfig validate() {
        data.validate();
        model.validate();
        train.validate();
        schedule.validate();
        return this;
    }

    /**
     * Returns a copy with other data.
     *
     * @param newData the data
     * @return the copy
     */
    public GanConfig withData(DataConfig newData) {
        return new GanConfig(newData, model, train, schedule);
    }

    /**
     * Returns a copy with another model (e.g. shaped to the data that was read).
     *
     * @param newModel the model
     * @return the copy
     */
    public GanConfig withModel(ModelConfig newModel) {
        return new GanConfig(data, newModel, train, schedule);
    }

    /**
     * Returns a copy with the training recipe changed, e.g. {@code c.withTrain(t -> t.batchSize(50))}.
     *
     * @param change edits a builder holding the current recipe
     * @return the copy
     */
    public GanConfig withTrain(UnaryOperator<TrainConfig.Builder> change) {
        return new GanConfig(data, model, change.apply(train.toBuilder()).build(), schedule);
    }

    /**
     * Returns a copy with another schedule: the only change a resumed run may make.
     *
     * @param newSchedule the schedule
     * @return the copy
     */
    public GanConfig withSchedule(RunSchedule newSchedule) {
        return new GanConfig(data, model, train, newSchedule);
    }

    /**
     * Returns a copy with the schedule changed, e.g. {@code c.withSchedule(s -> s.maxSteps(6))}: the
     * only change a resumed run may make.
     *
     * @param change edits a builder holding the current schedule
     * @return the copy
     */
    public GanConfig withSchedule(UnaryOperator<RunSchedule.Builder> change) {
        return new GanConfig(data, model, train, change.apply(schedule.toBuilder()).build());
    }
}
