package io.jgan.checkpoint;

import java.util.List;

/**
 * What a checkpoint folder holds, by name: one place for the trainer that writes checkpoints and the
 * sampler that reads them.
 *
 * <pre>
 * RUN/checkpoints/step-00001000/
 *   checkpoint.json              the manifest (CheckpointManifest): format, version, step, config
 *   generator.tensors            G's parameters, batch-norm statistics included
 *   discriminator.tensors        D's parameters
 *   adam-generator.tensors       G's Adam moments, "m/i/name" and "v/i/name" per parameter i
 *   adam-discriminator.tensors   D's Adam moments
 *   fixed-noise.tensors          the fixed test noise, (count, latentDim)
 *   generator-ema.tensors        G's weight average, with --ema only
 *   metrics.csv, eval.csv        the run's logs up to this step
 * </pre>
 */
public final class CheckpointSchema {

    private CheckpointSchema() {}

    /** The format name in every manifest. */
    public static final String FORMAT = "jgan-checkpoint";
    /** The format version this build writes and reads; bumped on any incompatible change. */
    public static final int FORMAT_VERSION = 1;
    /** The manifest's file name. */
    public static final String MANIFEST = "checkpoint.json";

    /** G's parameters. */
    public static final String GENERATOR = "generator";
    /** D's parameters. */
    public static final String DISCRIMINATOR = "discriminator";
    /** G's optimiser moments. */
    public static final String ADAM_GENERATOR = "adam-generator";
    /** D's optimiser moments. */
    public static final String ADAM_DISCRIMINATOR = "adam-discriminator";
    /** The fixed test noise. */
    public static final String FIXED_NOISE = "fixed-noise";
    /** G's exponential moving average (Yazici et al. 2019), present with --ema. */
    public static final String GENERATOR_EMA = "generator-ema";
    /** The single tensor of the fixed-noise part. */
    public static final String FIXED_NOISE_TENSOR = "fixedNoise";

    /**
     * The generator part that samples come from: the weight average when the run kept one.
     *
     * @param contents the manifest's contents
     * @return {@link #GENERATOR_EMA} or {@link #GENERATOR}
     */
    public static String samplingPart(List<String> contents) {
        return contents.contains(GENERATOR_EMA) ? GENERATOR_EMA : GENERATOR;
    }

    /**
     * The name of an Adam moment tensor.
     *
     * @param moment {@code m} (first) or {@code v} (second)
     * @param index the parameter's position in its network
     * @param parameter the parameter's name
     * @return {@code moment/index/parameter}
     */
    public static String momentName(String moment, int index, String parameter) {
        return moment + "/" + index + "/" + parameter;
    }
}
