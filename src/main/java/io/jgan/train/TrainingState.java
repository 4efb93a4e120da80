package io.jgan.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.jgan.JganException;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.engine.HostTensors;
import io.jgan.engine.Scalars;
import io.jgan.io.CheckpointManifest;
import io.jgan.io.CheckpointSchema;
import io.jgan.io.Checkpoints;
import io.jgan.io.NamedTensor;
import io.jgan.model.Models;
import io.jgan.model.Network;
import io.jgan.optim.Adam;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a checkpoint saves and a resumed run restores: both networks, their optimisers, G's
 * weight average (with --ema), the fixed noise, and the step counter. The loop that moves it on
 * is {@link GanTrainer}.
 *
 * <p>Memory: the parameters and the optimisers' engine-side moments live in managers under
 * {@link #root}, as long as this object.
 */
public final class TrainingState implements AutoCloseable {

    private final NDManager root;
    private final Players players; // G, D and their optimisers
    private final Network emaGenerator; // null without --ema
    private final FixedNoise fixedNoise;
    private long step;

    /**
     * Builds the networks with their initial weights (drawn from the engine's generator, seeded from
     * the run's seed), zero-moment optimisers and the fixed noise.
     *
     * @param config the validated config
     */
    TrainingState(GanConfig config) {
        TrainConfig train = config.train();
        ModelConfig model = config.model();
        this.root = NDManager.newBaseManager();
        this.players = Players.create(model, train, root);
        if (train.emaDecay() > 0) {
            this.emaGenerator = new Network(CheckpointSchema.GENERATOR_EMA, Models.generator(model), root,
                    model.generatorInputDim());
            emaGenerator.copyFrom(players.generator().toTensors());
        } else {
            this.emaGenerator = null;
        }
        this.fixedNoise = new FixedNoise(model, train.fixedNoiseCount(), train.seed());
    }

    /**
     * Moves G's weight average on after an update: {@code ema = decay * ema + (1 - decay) * w} for
     * every trainable weight, in place, and the live G's batch-norm running statistics copied in (as
     * EMA implementations do: statistics are not averaged).
     *
     * <p>{@code (1 - decay) * w} is a temporary of w's manager, G's long-lived one: closed here at
     * once, or it would stay there until the run ends (about 6 MB a step for the MLP generator).
     *
     * @param decay the average's decay
     */
    void updateAverage(float decay) {
        if (emaGenerator == null) {
            return;
        }
        List<Pair<String, Parameter>> live = players.generator().namedParameters();
        List<Pair<String, Parameter>> avg = emaGenerator.namedParameters();
        for (int i = 0; i < live.size(); i++) {
            NDArray w = live.get(i).getValue().getArray();
            NDArray a = avg.get(i).getValue().getArray();
            if (live.get(i).getValue().requiresGradient()) {
                try (NDArray scaled = Scalars.mul(w, 1f - decay)) {
                    Scalars.muli(a, decay).addi(scaled);
                }
            } else { // running mean / variance
                HostTensors.copyInto(a, w);
            }
        }
    }

    /**
     * The generator samples are drawn from: the weight average when there is one, else G.
     *
     * @return the network
     */
    public Network samplingGenerator() {
        return emaGenerator != null ? emaGenerator : players.generator();
    }

    /**
     * Copies the complete state out of the engine, for a checkpoint.
     *
     * @return tensor parts by {@link CheckpointSchema} name, in order
     */
    public Map<String, List<NamedTensor>> snapshot() {
        Map<String, List<NamedTensor>> parts = new LinkedHashMap<>();
        players.putInto(parts);
        parts.put(CheckpointSchema.FIXED_NOISE, List.of(fixedNoise.toTensor()));
        if (emaGenerator != null) {
            parts.put(CheckpointSchema.GENERATOR_EMA, emaGenerator.toTensors());
        }
        return parts;
    }

    /**
     * An optimiser's moments as checkpoint tensors, {@code m/i/name} and {@code v/i/name} per
     * trainable parameter i (the one layout every trainer writes).
     *
     * @param network the network the optimiser updates
     * @param adam its optimiser
     * @return 2 tensors per parameter
     */
    public static List<NamedTensor> moments(Network network, Adam adam) {
        List<NamedTensor> out = new ArrayList<>();
        List<Parameter> params = network.trainableParameters();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).getName();
            long[] shape = params.get(i).getArray().getShape().getShape();
            float[][] mv = adam.moments(i);
            out.add(new NamedTensor(CheckpointSchema.momentName("m", i, name), shape, mv[0]));
            out.add(new NamedTensor(CheckpointSchema.momentName("v", i, name), shape, mv[1]));
        }
        return out;
    }

    /**
     * Puts the state where a checkpoint recorded it: both networks (with batch-norm statistics), both
     * optimisers' moments and step counts, G's average, the fixed noise, and the step counter.
     *
     * @param checkpointDir a checkpoint folder written for this config
     * @param manifest its manifest
     * @throws JganException with {@link JganException#BAD_CHECKPOINT} if anything does not fit
     */
    void restore(Path checkpointDir, CheckpointManifest manifest) {
        try {
            players.restoreFrom(checkpointDir);
            if (emaGenerator != null) {
                emaGenerator.copyFrom(Checkpoints.readPart(checkpointDir, CheckpointSchema.GENERATOR_EMA));
            }
            fixedNoise.restore(Checkpoints.readPart(checkpointDir, CheckpointSchema.FIXED_NOISE));
        } catch (IllegalArgumentException e) {
            throw new JganException(JganException.BAD_CHECKPOINT,
                    "checkpoint " + checkpointDir + " does not fit this run: " + e.getMessage());
        }
        players.restoreStepCounts(manifest);
        step = manifest.step();
    }

    /**
     * Restores an optimiser's moments from {@link #moments}' tensors, checking count and shapes.
     *
     * @param adam the optimiser
     * @param network the network it updates
     * @param saved the tensors
     * @throws IllegalArgumentException naming the first that does not fit
     */
    public static void restoreMoments(Adam adam, Network network, List<NamedTensor> saved) {
        List<Parameter> params = network.trainableParameters();
        if (saved.size() != 2 * params.size()) {
            throw new IllegalArgumentException(network.name() + "'s optimiser has " + 2 * params.size()
                    + " moment tensors but " + saved.size() + " were saved");
        }
        for (int i = 0; i < params.size(); i++) {
            long[] shape = params.get(i).getArray().getShape().getShape();
            NamedTensor m = saved.get(2 * i);
            NamedTensor v = saved.get(2 * i + 1);
            check(m, CheckpointSchema.momentName("m", i, ""), shape);
            check(v, CheckpointSchema.momentName("v", i, ""), shape);
            adam.setMoments(i, m.data(), v.data());
        }
    }

    private static void check(NamedTensor t, String prefix, long[] shape) {
        if (!t.name().startsWith(prefix) || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("optimiser tensor " + t.name() + " " + Arrays.toString(t.shape())
                    + " does not match " + prefix + " " + Arrays.toString(shape));
        }
    }

    /** @return the manager that owns the state; its sub-managers hold the loop's per-step arrays */
    NDManager root() {
        return root;
    }

    /** @return G */
    public Network generator() {
        return players.generator();
    }

    /** @return D */
    public Network discriminator() {
        return players.discriminator();
    }

    /** @return G's optimiser */
    Adam optimizerG() {
        return players.optimizerG();
    }

    /** @return D's optimiser */
    Adam optimizerD() {
        return players.optimizerD();
    }

    /** @return the fixed noise and its grid layout */
    public FixedNoise fixedNoise() {
        return fixedNoise;
    }

    /** @return iterations completed */
    public long step() {
        return step;
    }

    /** Counts one more completed iteration. */
    void advance() {
        step++;
    }

    /** @return Adam step counts {G, D} */
    public long[] optimizerSteps() {
        return new long[] {players.optimizerG().stepCount(), players.optimizerD().stepCount()};
    }

    @Override
    public void close() {
        root.close();
    }
}
