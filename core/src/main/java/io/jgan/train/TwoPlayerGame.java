package io.jgan.train;

import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.engine.Scope;
import io.jgan.format.NamedTensor;
import io.jgan.model.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;

/**
 * What every game of two {@link Players} shares: the root manager that owns them and the data
 * columns, the players' part of a checkpoint and its restore. A game adds its own iteration,
 * preview and whatever else it keeps.
 */
public abstract class TwoPlayerGame implements Game {

    private final Players players;
    private final List<Tensor> columns;
    private final int count;
    private final int iterationsPerEpoch;

    /**
     * Takes over a root manager and the players in it.
     *
     * @param root owns the players and the columns; closed with the game
     * @param players G, D and their optimisers
     * @param columns the data, each (count, ...), in {@code root}
     * @param count rows per column
     * @param iterationsPerEpoch iterations per pass over the data
     */
    protected TwoPlayerGame(Players players, List<Tensor> columns, int count, int iterationsPerEpoch) {
        this.players = players;
        this.columns = List.copyOf(columns);
        this.count = count;
        this.iterationsPerEpoch = iterationsPerEpoch;
    }

    /** @return G, D and their optimisers */
    /**
     * Makes the data columns in the engine, each kept for the run (the game closes them). If one
     * cannot be made, the ones made so far and the players are freed before the error goes on.
     *
     * @param players the players already built
     * @param makers each column's maker, e.g. (count, dataDim)
     * @return the columns, in order
     */
    protected static List<Tensor> keptColumns(Players players, List<Supplier<Tensor>> makers) {
        List<Tensor> columns = new ArrayList<>();
        try (Scope made = Scope.open()) {
            for (Supplier<Tensor> m : makers) {
                columns.add(Scope.keep(m.get()));
            }
            return columns;
        } catch (RuntimeException e) {
            columns.forEach(Tensor::close);
            players.close();
            throw e;
        }
    }

    protected Players players() {
        return players;
    }

    @Override
    public void scaleLearningRates(double factor) {
        players.optimizerG().scaleLearningRate(factor);
        players.optimizerD().scaleLearningRate(factor);
    }

    @Override
    public List<Tensor> columns() {
        return columns;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int iterationsPerEpoch() {
        return iterationsPerEpoch;
    }

    /** G, D and both optimisers' moments; a game with more state adds its parts. */
    @Override
    public Map<String, List<NamedTensor>> snapshot() {
        Map<String, List<NamedTensor>> parts = new LinkedHashMap<>();
        players.putInto(parts);
        return parts;
    }

    @Override
    public long[] optimizerSteps() {
        return new long[] {players.optimizerG().stepCount(), players.optimizerD().stepCount()};
    }

    /** G, D (with batch-norm statistics), both optimisers' moments and step counts. */
    @Override
    public void restore(Path checkpointDir, CheckpointManifest manifest) {
        players.restoreFrom(checkpointDir);
        players.restoreStepCounts(manifest);
    }

    @Override
    public Network generator() {
        return players.generator();
    }

    @Override
    public Network discriminator() {
        return players.discriminator();
    }

    @Override
    public void close() {
        players.close();
        for (Tensor c : columns) {
            c.close();
        }
    }
}
