package io.jgan.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.jgan.JganException;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.TrainConfig;
import io.jgan.data.Samples;
import io.jgan.engine.HostTensors;
import io.jgan.engine.Scalars;
import io.jgan.io.CheckpointManifest;
import io.jgan.io.Checkpoints;
import io.jgan.io.NamedTensor;
import io.jgan.loss.AdversarialLoss;
import io.jgan.model.LatentNoise;
import io.jgan.model.Models;
import io.jgan.model.Network;
import io.jgan.optim.Adam;
import io.jgan.train.StepRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a generator against a discriminator: the epoch loop around {@link AdversarialStep}.
 *
 * <p>Reproducibility: the engine's random generator is reseeded from (seed, step) before every
 * iteration, and the data order of each epoch comes from (seed, epoch). Noise and dropout masks
 * of step s therefore depend on nothing but the seed and s, which makes runs repeatable and a
 * resumed run identical to an uninterrupted one.
 *
 * <p>Memory: parameters and optimiser moments live in long-lived managers; everything an
 * iteration creates lives in a sub-manager closed at the end of the iteration, and the
 * shuffled data of an epoch in one closed at the end of the epoch.
 */
public final class GanTrainer implements AutoCloseable {

    private final GanConfig config;
    private final TrainConfig train;
    private final NDManager root;
    private final Network generator;
    private final Network discriminator;
    private final Adam optimizerG;
    private final Adam optimizerD;
    private final AdversarialStep adversarialStep;
    private final NDArray dataset; // (count, dataDim), in the pixel range of the model
    private final NDArray labels; // (count, classes) one-hot, for a conditional GAN; else null
    private final int count;
    private final float[] fixedNoise; // (fixedNoiseCount, latentDim), row-major
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final int batchesPerIteration;
    private final int iterationsPerEpoch;
    private final long totalSteps;
    private final double divergedAbove;
    private long step;
    /** Checkpoint part holding G's weight average. */
    public static final String EMA_PART = "generator-ema";
    /** G's exponential moving average (Yazici et al. 2019), or null when --ema is off. */
    private final Network emaGenerator;

    /**
     * Builds both networks, their optimisers and the in-engine data set.
     *
     * @param config the validated config
     * @param samples the training samples (their dim must match the model)
     */
    public GanTrainer(GanConfig config, Samples samples) {
        this.config = config;
        this.train = config.train();
        if (samples.dim() != config.model().dataDim()) {
            throw new IllegalArgumentException("samples of dim " + samples.dim() + " for a model of dim "
                    + config.model().dataDim());
        }
        if (train.batchSize() > samples.count()) {
            throw new JganException(JganException.USAGE,
                    "--batch-size " + train.batchSize() + " is larger than the data set (" + samples.count()
                            + " samples): use a smaller batch or more data");
        }
        this.count = samples.count();
        this.root = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(mix(train.seed(), -1)); // initial weights
        ModelConfig model = config.model();
        this.generator = new Network("generator", Models.generator(model), root, model.generatorInputDim());
        this.discriminator = new Network("discriminator", Models.discriminator(model), root,
                model.discriminatorInputDim());
        this.optimizerG = Adam.create(generator.trainableParameters(),
                new Adam.Settings(train.lrG(), train.beta1(), train.beta2(), train.eps()), root);
        this.optimizerD = Adam.create(discriminator.trainableParameters(),
                new Adam.Settings(train.lrD(), train.beta1(), train.beta2(), train.eps()), root);
        AdversarialLoss loss = AdversarialLoss.of(train);
        this.divergedAbove = loss.divergedAbove();
        this.adversarialStep = new AdversarialStep(generator, discriminator, optimizerG, optimizerD,
                loss, config.model().latentDim(),
                Models.discriminatorIsPerSample(config.model()), model.classes());
        if (train.emaDecay() > 0) {
            this.emaGenerator = new Network("generator-ema", Models.generator(config.model()), root,
                    model.generatorInputDim());
            emaGenerator.copyFrom(generator.toTensors());
        } else {
            this.emaGenerator = null;
        }
        this.dataset = root.create(samples.values(), new Shape(samples.count(), samples.dim()));
        this.labels = model.conditional() ? oneHot(samples, model.classes()) : null;
        this.fixedNoise = LatentNoise.gaussian(train.seed() * 31 + 7, train.fixedNoiseCount() * config.model().latentDim());
        int batches = (count + train.batchSize() - 1) / train.batchSize();
        this.batchesPerIteration = train.dSteps();
        this.iterationsPerEpoch = Math.max(1, batches / train.dSteps());
        long all = (long) iterationsPerEpoch * train.epochs();
        this.totalSteps = train.maxSteps() > 0 ? Math.min(all, train.maxSteps()) : all;
    }

    /**
     * Adds a listener; listeners run in the order added.
     *
     * @param listener the listener
     * @return this
     */
    public GanTrainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Trains until the configured epochs or step limit.
     *
     * @throws JganException with {@link JganException#DIVERGED} if a loss becomes NaN or infinite
     */
    public void fit() {
        try {
            for (TrainingListener l : listeners) {
                l.onStart(this);
            }
            while (step < totalSteps) {
                runEpoch();
            }
            for (TrainingListener l : listeners) {
                l.onEnd(this);
            }
        } finally {
            for (TrainingListener l : listeners) {
                l.close();
            }
        }
    }

    private void runEpoch() {
        int epoch = (int) (step / iterationsPerEpoch) + 1;
        int skip = (int) (step % iterationsPerEpoch); // > 0 only when resuming mid-epoch
        try (NDManager epochManager = root.newSubManager()) {
            NDArray order = epochManager.create(permutation(count, new Random(mix(train.seed(), epoch))));
            NDArray shuffled = dataset.get(epochManager, new NDIndex("{}", order)); // (count, dataDim)
            NDArray shuffledLabels = labels == null ? null
                    : labels.get(epochManager, new NDIndex("{}", order)); // (count, classes)
            for (int i = skip; i < iterationsPerEpoch && step < totalSteps; i++) {
                iterate(shuffled, shuffledLabels, epoch, i);
            }
        }
    }

    private void iterate(NDArray shuffled, NDArray shuffledLabels, int epoch, int iteration) {
        long start = System.nanoTime();
        Engine.getInstance().setRandomSeed(mix(train.seed(), step + 1));
        AdversarialStep.Result r;
        try (NDManager it = root.newSubManager()) {
            List<NDArray> real = new ArrayList<>(batchesPerIteration);
            List<NDArray> realLabels = shuffledLabels == null ? null : new ArrayList<>(batchesPerIteration);
            for (int b = 0; b < batchesPerIteration; b++) {
                long from = (long) (iteration * batchesPerIteration + b) * train.batchSize();
                long to = Math.min(from + train.batchSize(), count);
                real.add(shuffled.get(it, new NDIndex("{}:{}", from, to))); // (<= batchSize, dataDim), a view
                if (realLabels != null) {
                    realLabels.add(shuffledLabels.get(it, new NDIndex("{}:{}", from, to))); // (<= batchSize, classes)
                }
            }
            r = adversarialStep.run(it, real, realLabels);
            if (emaGenerator != null) {
                updateEma();
            }
        }
        step++;
        StepRecord record = new StepRecord(step, epoch, iteration + 1, r.lossD(), r.lossG(), r.dReal(), r.dFake(),
                (System.nanoTime() - start) / 1e6);
        if (!record.finite() || Math.abs(record.lossD()) > divergedAbove || Math.abs(record.lossG()) > divergedAbove) {
            throw new JganException(JganException.DIVERGED, String.format(
                    "training diverged at step %d: lossD=%s lossG=%s. Likely causes: a learning rate too high"
                            + " (try --lr 1e-4), data not scaled to the model's range, or D winning outright"
                            + " (try --real-label 0.9). Checkpoints written so far are kept.",
                    step, record.lossD(), record.lossG()));
        }
        for (TrainingListener l : listeners) {
            l.onStep(this, record);
        }
    }

    /**
     * ema = decay * ema + (1 - decay) * w for every trainable weight of G, in place.
     *
     * <p>{@code (1 - decay) * w} is a temporary of w's manager, G's long-lived one: closed here at
     * once, or it would stay there until the run ends (about 6 MB a step for the MLP generator).
     */
    private void updateEma() {
        float decay = (float) train.emaDecay();
        List<Parameter> live = generator.trainableParameters();
        List<Parameter> avg = emaGenerator.trainableParameters();
        for (int i = 0; i < live.size(); i++) {
            try (NDArray scaled = Scalars.mul(live.get(i).getArray(), 1f - decay)) {
                Scalars.muli(avg.get(i).getArray(), decay).addi(scaled);
            }
        }
    }

    /**
     * The generator that samples are drawn from: the weight average when there is one (with the
     * live G's batch-norm statistics copied in, as EMA implementations do), else G.
     *
     * @return the network
     */
    public Network samplingGenerator() {
        if (emaGenerator == null) {
            return generator;
        }
        List<Pair<String, Parameter>> live = generator.namedParameters();
        List<Pair<String, Parameter>> avg = emaGenerator.namedParameters();
        for (int i = 0; i < live.size(); i++) {
            Parameter p = live.get(i).getValue();
            if (!p.requiresGradient()) { // running mean / variance
                HostTensors.copyInto(avg.get(i).getValue().getArray(), p.getArray());
            }
        }
        return emaGenerator;
    }

    /**
     * Runs G on the fixed test noise, in inference mode (batch norm uses running statistics).
     *
     * @return (fixedNoiseCount, dataDim) row-major samples in the model's pixel range
     */
    public float[] generateFixed() {
        try (NDManager m = root.newSubManager()) {
            ModelConfig model = config.model();
            int latent = model.latentDim();
            if (!model.conditional()) {
                NDArray z = m.create(fixedNoise, new Shape(train.fixedNoiseCount(), latent));
                return samplingGenerator().forward(z, false).toFloatArray();
            }
            // one row per class, one column per fixed noise vector: (classes * columns, dataDim)
            int cols = fixedGridColumns();
            int k = model.classes();
            float[] z = new float[k * cols * latent];
            int[] rowLabels = new int[k * cols];
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < cols; j++) {
                    System.arraycopy(fixedNoise, j * latent, z, (c * cols + j) * latent, latent);
                    rowLabels[c * cols + j] = c;
                }
            }
            return forwardConditional(m, z, rowLabels);
        }
    }

    /**
     * Generates samples from fresh noise with a given seed (for the toy's statistics and tests).
     *
     * @param n how many
     * @param seed seeds the noise
     * @return (n, dataDim) row-major samples
     */
    public float[] generate(int n, long seed) {
        try (NDManager m = root.newSubManager()) {
            float[] noise = LatentNoise.gaussian(seed, n * config.model().latentDim());
            if (config.model().conditional()) {
                return forwardConditional(m, noise, LatentNoise.cyclicLabels(n, config.model().classes()));
            }
            NDArray z = m.create(noise, new Shape(n, config.model().latentDim()));
            return samplingGenerator().forward(z, false).toFloatArray();
        }
    }

    private float[] forwardConditional(NDManager m, float[] z, int[] labels) {
        ModelConfig model = config.model();
        float[] in = LatentNoise.withOneHot(z, labels, model.latentDim(), model.classes());
        return samplingGenerator().forward(m.create(in, new Shape(labels.length, model.generatorInputDim())), false)
                .toFloatArray();
    }

    /** @return samples in the fixed-noise grid: the fixed noise count, or classes x columns */
    public int fixedSampleCount() {
        return config.model().conditional() ? config.model().classes() * fixedGridColumns() : train.fixedNoiseCount();
    }

    /** @return columns of the fixed-noise grid: square, or at most 10 per class row */
    public int fixedGridColumns() {
        return config.model().conditional() ? Math.min(10, train.fixedNoiseCount())
                : io.jgan.io.ImageGrid.squareRow(train.fixedNoiseCount());
    }

    private NDArray oneHot(Samples samples, int k) {
        if (samples.labels() == null) {
            throw new JganException(JganException.USAGE, "a conditional GAN needs class labels, and this data has none:"
                    + " use IDX data with its labels file, or an image folder with one subfolder per class");
        }
        float[] code = new float[samples.count() * k];
        for (int i = 0; i < samples.count(); i++) {
            int y = samples.labels()[i] & 0xff;
            if (y >= k) {
                throw new JganException(JganException.BAD_DATA, "label " + y + " of sample " + i + " is outside the "
                        + k + " classes of this model");
            }
            code[i * k + y] = 1f;
        }
        return root.create(code, new Shape(samples.count(), k));
    }

    /**
     * Copies the complete training state out of the engine, for a checkpoint.
     *
     * @return tensor parts by name: generator, discriminator, both optimisers' moments, fixed noise
     */
    public Map<String, List<NamedTensor>> snapshot() {
        Map<String, List<NamedTensor>> parts = new LinkedHashMap<>();
        parts.put("generator", generator.toTensors());
        parts.put("discriminator", discriminator.toTensors());
        parts.put("adam-generator", moments(generator, optimizerG));
        parts.put("adam-discriminator", moments(discriminator, optimizerD));
        parts.put("fixed-noise", List.of(new NamedTensor("fixedNoise",
                new long[] {train.fixedNoiseCount(), config.model().latentDim()}, fixedNoise.clone())));
        if (emaGenerator != null) {
            parts.put(EMA_PART, samplingGenerator().toTensors());
        }
        return parts;
    }

    private static List<NamedTensor> moments(Network network, Adam adam) {
        List<NamedTensor> out = new ArrayList<>();
        List<Parameter> params = network.trainableParameters();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).getName();
            long[] shape = params.get(i).getArray().getShape().getShape();
            float[][] mv = adam.moments(i);
            out.add(new NamedTensor("m/" + i + "/" + name, shape, mv[0]));
            out.add(new NamedTensor("v/" + i + "/" + name, shape, mv[1]));
        }
        return out;
    }

    /**
     * Puts the trainer in the state a checkpoint recorded, so that training continues exactly as
     * if it had never stopped: both networks (with batch-norm statistics), both optimisers'
     * moments and step counts, the fixed noise, and the step counter. The data order and the
     * noise of later steps follow from (seed, epoch) and (seed, step), so they need no state.
     *
     * @param checkpointDir a checkpoint folder written for this config
     * @param manifest its manifest
     * @throws JganException with {@link JganException#BAD_CHECKPOINT} if anything does not fit
     */
    public void restore(Path checkpointDir, CheckpointManifest manifest) {
        try {
            generator.copyFrom(Checkpoints.readPart(checkpointDir, "generator"));
            discriminator.copyFrom(Checkpoints.readPart(checkpointDir, "discriminator"));
            restoreMoments(optimizerG, generator, Checkpoints.readPart(checkpointDir, "adam-generator"));
            restoreMoments(optimizerD, discriminator, Checkpoints.readPart(checkpointDir, "adam-discriminator"));
            if (emaGenerator != null) {
                emaGenerator.copyFrom(Checkpoints.readPart(checkpointDir, EMA_PART));
            }
            List<NamedTensor> noise = Checkpoints.readPart(checkpointDir, "fixed-noise");
            if (noise.size() != 1 || noise.get(0).data().length != fixedNoise.length) {
                throw new IllegalArgumentException("fixed noise has the wrong size");
            }
            System.arraycopy(noise.get(0).data(), 0, fixedNoise, 0, fixedNoise.length);
        } catch (IllegalArgumentException e) {
            throw new JganException(JganException.BAD_CHECKPOINT,
                    "checkpoint " + checkpointDir + " does not fit this run: " + e.getMessage());
        }
        if (manifest.step() < 0 || manifest.step() > totalSteps) {
            throw new JganException(JganException.USAGE, "checkpoint " + checkpointDir + " is at step "
                    + manifest.step() + ", beyond this run's " + totalSteps + " steps: give more --epochs or --max-steps");
        }
        optimizerG.setStepCount(manifest.adamStepsG());
        optimizerD.setStepCount(manifest.adamStepsD());
        step = manifest.step();
    }

    private static void restoreMoments(Adam adam, Network network, List<NamedTensor> saved) {
        List<Parameter> params = network.trainableParameters();
        if (saved.size() != 2 * params.size()) {
            throw new IllegalArgumentException(network.name() + "'s optimiser has " + 2 * params.size()
                    + " moment tensors but " + saved.size() + " were saved");
        }
        for (int i = 0; i < params.size(); i++) {
            long[] shape = params.get(i).getArray().getShape().getShape();
            NamedTensor m = saved.get(2 * i);
            NamedTensor v = saved.get(2 * i + 1);
            check(m, "m/" + i + "/", shape);
            check(v, "v/" + i + "/", shape);
            adam.setMoments(i, m.data(), v.data());
        }
    }

    private static void check(NamedTensor t, String prefix, long[] shape) {
        if (!t.name().startsWith(prefix) || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("optimiser tensor " + t.name() + " " + Arrays.toString(t.shape())
                    + " does not match " + prefix + " " + Arrays.toString(shape));
        }
    }

    /** Fisher-Yates with a seeded generator: the epoch's data order, as int64 indices. */
    static long[] permutation(int n, Random rng) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** SplitMix64 of (seed, counter), folded to the int the engine takes. */
    static int mix(long seed, long counter) {
        long z = seed * 0x9E3779B97F4A7C15L + counter + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int) (z ^ (z >>> 32));
    }

    /**
     * Counts the engine arrays this trainer's managers hold: parameters, moments, data, and whatever
     * a step left behind. Flat from step to step unless something leaks.
     *
     * @return the count
     */
    public int liveArrays() {
        return root.getManagedArrays().size();
    }

    /** @return the config of this run */
    public GanConfig config() {
        return config;
    }

    /** @return iterations completed */
    public long step() {
        return step;
    }

    /** @return the epoch of the last completed iteration (from 1) */
    public int epoch() {
        return step == 0 ? 1 : (int) ((step - 1) / iterationsPerEpoch) + 1;
    }

    /** @return iterations per epoch */
    public int iterationsPerEpoch() {
        return iterationsPerEpoch;
    }

    /** @return iterations this run will complete */
    public long totalSteps() {
        return totalSteps;
    }

    /** @return Adam step counts {G, D} */
    public long[] optimizerSteps() {
        return new long[] {optimizerG.stepCount(), optimizerD.stepCount()};
    }

    /** @return the generator (for tests and tools) */
    public Network generator() {
        return generator;
    }

    /** @return the discriminator (for tests and tools) */
    public Network discriminator() {
        return discriminator;
    }

    /** @return the adversarial step (for tests) */
    AdversarialStep adversarialStep() {
        return adversarialStep;
    }

    @Override
    public void close() {
        root.close();
    }
}
