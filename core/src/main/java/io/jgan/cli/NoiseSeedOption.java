package io.jgan.cli;

import picocli.CommandLine.Option;

/** {@code --seed S}: the seed of the noise a trained generator is given (sample, eval, interpolate, traverse). */
public final class NoiseSeedOption {

    @Option(names = "--seed", paramLabel = "S", description = "noise seed: the same seed, the same samples (default 0)")
    long seed;
}
