package io.jgan.model;

import io.jgan.JganException;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.config.RunSchedule;
import io.jgan.config.TrainConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model family: everything jgan knows about one kind of G and D in one place. Its builders, its
 * rules on image shape and latent size, its preset (the tutorial's settings), whether it is
 * image-to-image, its multiply-add counts for the benchmark, and its PyTorch layout. Every other
 * class asks the family; none switches on its name. A checkpoint names its family by
 * {@link #id()} (the {@code family} field of {@code config.json}).
 *
 * <p>The next family is one more constant here, with a file of its own for its layers.
 */
public enum Family {

    /**
     * The MLP GAN of 'GANs from Scratch 1': G 100-256-512-1024-784 (LeakyReLU 0.2, tanh), D
     * 784-1024-512-256-1 (LeakyReLU 0.2, dropout 0.3), BCE with the non-saturating G loss, D's
     * loss the sum of its two terms, Adam 2e-4 (0.9, 0.999, 1e-8), batch 100.
     */
    MLP("mlp", true) {
        @Override
        public Block generator(ModelConfig m) {
            return MlpGan.generator(generatorInputDim(m), m.dataDim());
        }

        @Override
        public Block discriminator(ModelConfig m) {
            return MlpGan.discriminator(discriminatorInputDim(m));
        }

        @Override
        public GanConfig preset(int epochs) {
            return new GanConfig(DataConfig.embedded(0), new ModelConfig(id(), 100, 1, 28, 28, PixelRange.SYMMETRIC),
                    TrainConfig.builder().batchSize(100).lr(2e-4).build(), RunSchedule.ofEpochs(epochs));
        }

        @Override
        public String torchPath(int k, int layers) {
            return (k == layers - 1 ? "out" : "hidden" + k) + ".0"; // Linear layers hidden0..2, then out
        }

        @Override
        public String torchFirstWeight() {
            return "hidden0.0.weight";
        }

        @Override
        public String torchLastWeight() {
            return "out.0.weight";
        }
    },

    /**
     * The GAN course's variant: z of 10, G blocks Linear-BatchNorm-ReLU 10-128-256-512-1024 then
     * Linear(1024, 784) sigmoid, D 784-512-256-128-1 with LeakyReLU 0.2, data in [0, 1], D's loss
     * the mean of its two terms, Adam 1e-5, batch 128.
     */
    MLP_BN("mlp-bn", true) {
        @Override
        public Block generator(ModelConfig m) {
            return BatchNormMlpGan.generator(generatorInputDim(m), m.dataDim());
        }

        @Override
        public Block discriminator(ModelConfig m) {
            return BatchNormMlpGan.discriminator(discriminatorInputDim(m));
        }

        @Override
        public GanConfig preset(int epochs) {
            return new GanConfig(DataConfig.embedded(0), new ModelConfig(id(), 10, 1, 28, 28, PixelRange.UNIT),
                    TrainConfig.builder().batchSize(128).lr(1e-5).averageDTerms(true).build(),
                    RunSchedule.ofEpochs(epochs));
        }

        @Override
        public String torchPath(int k, int layers) {
            // (Linear, BatchNorm1d) blocks gen.0..gen.3, then the output Linear gen.4
            return k == layers - 1 ? "gen." + (k / 2) : "gen." + (k / 2) + "." + (k % 2);
        }

        @Override
        public String torchFirstWeight() {
            return "gen.0.0.weight";
        }

        @Override
        public String torchLastWeight() {
            return "gen.4.weight";
        }
    },

    /**
     * DCGAN (Radford et al. 2016): convolutional G and D with batch norm, z of 100, Adam 2e-4 with
     * beta1 0.5, batch 128, data in [-1, 1]; square sides 28, 32 or 64.
     */
    DCGAN("dcgan", false) {
        @Override
        public Block generator(ModelConfig m) {
            if (m.classNorm() && m.conditional()) { // z alone into the body; the class through its batch norms
                return new ClassConditional(m.latentDim(), m.classes(),
                        Dcgan.generator(m.latentDim(), m.channels(), m.height(), m.classes(), Dcgan.width(m)));
            }
            return Dcgan.generator(generatorInputDim(m), m.channels(), m.height(), 0, Dcgan.width(m));
        }

        @Override
        public Block discriminator(ModelConfig m) {
            return Dcgan.discriminator(m.channels(), m.height(), m.classes(), m.dWidth(Dcgan.DEFAULT_WIDTH));
        }

        @Override
        Block projectionDiscriminator(ModelConfig m) {
            return Dcgan.projectionDiscriminator(m.channels(), m.height(), m.classes(), m.dWidth(Dcgan.DEFAULT_WIDTH));
        }

        @Override
        public GanConfig preset(int epochs) {
            return new GanConfig(DataConfig.embedded(0), new ModelConfig(id(), 100, 1, 28, 28, PixelRange.SYMMETRIC),
                    TrainConfig.builder().batchSize(128).lr(2e-4).beta1(0.5).build(), RunSchedule.ofEpochs(epochs));
        }

        @Override
        void checkShape(ModelConfig m) {
            super.checkShape(m);
            requireSquareSide(m);
        }

        /**
         * Per-sample forward multiply-adds of G's layers as executed: the projection (nz x width x
         * start^2), then each {@link Upsample2x} as its phase convolution, Cin x 4 Cout x 2 x 2 x
         * (H + 1)(W + 1). Batch norm and activations are not counted.
         */
        @Override
        public long[] generatorMacs(ModelConfig m, Network g) {
            int ups = Dcgan.upsamplings(m.height());
            long s = m.height() == 28 ? 7 : 4;
            long width = (long) Dcgan.width(m) << (ups - 1);
            long[] macs = new long[ups + 1];
            macs[0] = generatorInputDim(m) * width * s * s;
            for (int i = 1; i <= ups; i++) {
                long out = i == ups ? m.channels() : width / 2;
                macs[i] = width * 4 * out * 2 * 2 * (s + 1) * (s + 1);
                width = out;
                s *= 2;
            }
            return macs;
        }

        /** Per-sample forward multiply-adds of D's convolutions: Cin x Cout x k^2 x Hout x Wout. */
        @Override
        public long[] discriminatorMacs(ModelConfig m, Network d) {
            int downs = Dcgan.upsamplings(m.height());
            long[] macs = new long[downs + 1];
            long in = m.channels() + m.classes();
            long width = m.dWidth(Dcgan.DEFAULT_WIDTH);
            long s = m.height();
            for (int i = 0; i < downs; i++) {
                s /= 2;
                macs[i] = in * width * 16 * s * s;
                in = width;
                width *= 2;
            }
            macs[downs] = in * s * s; // the last layer covers the whole end x end map: one output
            return macs;
        }

        @Override
        public String torchPath(int k, int layers) {
            // (ConvTranspose2d, BatchNorm2d, ReLU) triples; the last ConvTranspose2d, then Tanh
            return "main." + (3 * (k / 2) + k % 2);
        }

        @Override
        public String torchFirstWeight() {
            return "main.0.weight";
        }

        @Override
        public String torchLastWeight() {
            return null; // found by counting the ConvTranspose2d layers
        }
    },

    /**
     * SNGAN's ResNet G and D (Miyato et al. 2018, {@link Sngan}) for square images of side 28 or
     * 32, with the design's recipe as its preset: the hinge loss, spectral normalisation of every
     * layer of D, Adam 2e-4 with betas (0, 0.9), batch 64, z of 128, data in [-1, 1].
     */
    SNGAN("sngan", false) {
        @Override
        public Block generator(ModelConfig m) {
            return Sngan.generator(m.latentDim(), m.classes(), m.channels(), m.height(), Sngan.width(m));
        }

        @Override
        public Block discriminator(ModelConfig m) {
            return Sngan.discriminator(m.channels(), m.height(), m.classes(), m.dWidth(Sngan.DEFAULT_WIDTH));
        }

        @Override
        Block projectionDiscriminator(ModelConfig m) {
            return Sngan.projectionDiscriminator(m.channels(), m.height(), m.classes(), m.dWidth(Sngan.DEFAULT_WIDTH));
        }

        @Override
        public GanConfig preset(int epochs) {
            return new GanConfig(DataConfig.embedded(0), new ModelConfig(id(), 128, 1, 28, 28, PixelRange.SYMMETRIC),
                    TrainConfig.builder().batchSize(64).lr(2e-4).beta1(0.0).beta2(0.9).loss("hinge").spectralNorm(true)
                            .build(), RunSchedule.ofEpochs(epochs));
        }

        @Override
        void checkShape(ModelConfig m) {
            super.checkShape(m);
            if (m.height() != m.width() || (m.height() != 28 && m.height() != 32)) {
                throw new JganException(JganException.USAGE, "sngan is built for square images of side 28 or 32, but"
                        + " the data is " + m.height() + "x" + m.width() + ": use --image-size 32 for an image folder");
            }
        }
    },

    /**
     * The 1-D toy of 'GANs — Illustrated, explained and coded': one-pixel "images" from N(mean,
     * std) in [-1, 1], two tiny MLPs. Adam without momentum (beta1 0) and D learning 4x faster
     * than G (the two time-scale rule, Heusel et al. 2017) damp the game's circling: over seeds
     * 1-5 the generated mean landed within 0.02 and the standard deviation within 0.015 of N(0,
     * 0.2) after 2,000 steps, where beta1 0.5 missed by up to 0.2.
     */
    TOY("toy", true) {
        @Override
        public Block generator(ModelConfig m) {
            return ToyMlp.generator(generatorInputDim(m));
        }

        @Override
        public Block discriminator(ModelConfig m) {
            return ToyMlp.discriminator(discriminatorInputDim(m));
        }

        @Override
        public GanConfig preset(int epochs) {
            return toy(0, 0.2, 2000).withSchedule(s -> s.epochs(epochs));
        }
    },

    /**
     * pix2pix (Isola et al. 2017): a U-Net G from image to image, a PatchGAN D on (image,
     * condition), adversarial loss (D's two terms averaged, as 'An Intuitive way to understand
     * GANs' writes it) plus 100 x L1, Adam 2e-4 with beta1 0.5, batch 32; no latent vector.
     */
    PIX2PIX("pix2pix", false) {
        @Override
        public Block generator(ModelConfig m) {
            return new UNet(m.channels(), m.height());
        }

        @Override
        public Block discriminator(ModelConfig m) {
            return UNet.patchDiscriminator(m.channels(), m.height());
        }

        @Override
        public GanConfig preset(int epochs) {
            return new GanConfig(DataConfig.embedded(0), new ModelConfig(id(), 0, 1, 28, 28, PixelRange.SYMMETRIC),
                    TrainConfig.builder().batchSize(32).lr(2e-4).beta1(0.5).averageDTerms(true).l1Weight(100).build(),
                    RunSchedule.ofEpochs(epochs));
        }

        @Override
        public boolean imageToImage() {
            return true;
        }

        /** Passes over the 9,000 training pairs of the digits demo (281 iterations each at batch 32). */
        @Override
        public int defaultEpochs() {
            return 4;
        }

        @Override
        public int generatorInputDim(ModelConfig m) {
            return m.dataDim(); // G is given an image
        }

        @Override
        public int discriminatorInputDim(ModelConfig m) {
            return 2 * m.dataDim(); // D judges (image, condition) pairs
        }

        @Override
        void checkShape(ModelConfig m) {
            if (m.latentDim() != 0) {
                throw new JganException(JganException.USAGE, "pix2pix has no latent vector: its G is given an image");
            }
            if (m.classes() != 0) {
                throw new JganException(JganException.USAGE, "--conditional does not apply to pix2pix: its condition is"
                        + " the input image");
            }
            requireSquareSide(m);
        }
    };

    /** Image sides the convolutional families are built for. */
    public static final List<Integer> SQUARE_SIDES = List.of(28, 32, 64);

    private final String id;
    private final boolean perSampleDiscriminator;

    /** What a projection discriminator without classes is told (the CLI says it before reading data). */
    public static final String PROJECTION_NEEDS_CLASSES = "--projection needs --conditional (the class is what it"
            + " projects)";

    Family(String id, boolean perSampleDiscriminator) {
        this.id = id;
        this.perSampleDiscriminator = perSampleDiscriminator;
    }

    /** @return the family's name in configs, checkpoints and {@code --model} */
    public String id() {
        return id;
    }

    /**
     * The family of a name.
     *
     * @param id a {@code --model} name or a config's {@code family}
     * @return the family
     * @throws JganException (usage) naming the families there are
     */
    public static Family of(String id) {
        for (Family f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new JganException(JganException.USAGE, "unknown model '" + id + "': use one of " + String.join(", ", ids()));
    }

    /**
     * The family of a model config.
     *
     * @param m the model
     * @return its family
     */
    public static Family of(ModelConfig m) {
        return of(m.family());
    }

    /** @return every family's name, in order */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Family::id).toList();
    }

    /**
     * A new, uninitialised generator block.
     *
     * @param m a model of this family
     * @return G
     */
    public abstract Block generator(ModelConfig m);

    /**
     * A new, uninitialised discriminator block; it outputs logits.
     *
     * @param m a model of this family
     * @return D
     */
    public abstract Block discriminator(ModelConfig m);

    /**
     * G built and initialised (from the engine's random generator, as seeded by the caller).
     *
     * @param name the network's name in checkpoints
     * @param m a model of this family
     * @return G, (N, generatorInputDim) to (N, dataDim)
     */
    public Network newGenerator(String name, ModelConfig m) {
        return new Network(name, generator(m), generatorInputDim(m));
    }

    /**
     * D built and initialised (from the engine's random generator, as seeded by the caller).
     *
     * @param name the network's name in checkpoints
     * @param m a model of this family
     * @return D, (N, discriminatorInputDim) to logits
     */
    public Network newDiscriminator(String name, ModelConfig m) {
        return new Network(name, discriminator(m), discriminatorInputDim(m));
    }

    /**
     * A new discriminator: the family's, or its projection discriminator for a conditional model
     * ({@link ProjectionDiscriminator}); spectrally normalised if asked: every layer of it that can
     * be ({@link SpectralNorm.Layer}: Linear, Conv2d, WholeMapConv) divides its weight by its
     * largest singular value.
     *
     * @param name its name
     * @param m the model
     * @param spectralNorm whether to normalise its layers
     * @param projection whether the class enters by projection (dcgan and sngan, conditional)
     * @return D, (N, discriminatorInputDim) to logits
     */
    public Network newDiscriminator(String name, ModelConfig m, boolean spectralNorm, boolean projection) {
        if (projection && m.classes() < 2) {
            throw new JganException(JganException.USAGE, PROJECTION_NEEDS_CLASSES);
        }
        Block d = projection ? projectionDiscriminator(m) : discriminator(m);
        if (spectralNorm) {
            d.visit(b -> {
                if (b instanceof SpectralNorm.Layer layer) {
                    layer.spectralNorm();
                }
            });
        }
        return new Network(name, d, discriminatorInputDim(m));
    }

    /**
     * The tutorial's settings for this family, on the embedded digits.
     *
     * @param epochs passes over the data
     * @return the preset; the CLI overrides only what the user sets
     */
    public abstract GanConfig preset(int epochs);

    /**
     * Passes over the data when {@code --epochs} is not given: 80 over the embedded digits (100
     * iterations each at batch 100), not 50: the quality metric (FCD, README "Results") fell from
     * 337 at 5,000 iterations to 218 at 8,000 and stayed there (228, 231 at 9,000 and 10,000).
     *
     * @return the default
     */
    public int defaultEpochs() {
        return 80;
    }

    /** @return whether G maps an image to an image (no latent vector: {@code translate}, not {@code sample}) */
    public boolean imageToImage() {
        return false;
    }

    /**
     * Whether D treats every sample on its own in training (no batch statistics), so that real
     * and generated samples may share one forward pass without changing the maths.
     *
     * @return true for the MLP families and the toy
     */
    public boolean discriminatorIsPerSample() {
        return perSampleDiscriminator;
    }

    /**
     * G's input size.
     *
     * @param m the model
     * @return z, then the one-hot class code if conditional
     */
    public int generatorInputDim(ModelConfig m) {
        return m.latentDim() + m.classes();
    }

    /**
     * D's input size.
     *
     * @param m the model
     * @return the flattened image, then the one-hot class code if conditional
     */
    public int discriminatorInputDim(ModelConfig m) {
        return m.dataDim() + m.classes();
    }

    /**
     * Checks a model of this family, before any native memory is touched: the family-independent
     * rules ({@link ModelConfig#validate}) and this family's own.
     *
     * @param m the model
     * @throws JganException naming the bad value and the accepted ones
     */
    public void validate(ModelConfig m) {
        m.validate();
        checkShape(m);
    }

    /**
     * Checks a whole config: every part, this family's rules, and that only the toy trains on the
     * toy's Gaussian data.
     *
     * @param config the config
     * @return the config, for chaining
     * @throws JganException naming the first bad value
     */
    public static GanConfig validate(GanConfig config) {
        Family f = of(config.model());
        config.validate();
        f.checkShape(config.model());
        if (config.train().projection() && f != DCGAN && f != SNGAN) {
            throw new JganException(JganException.USAGE, "--projection is a class-conditional convolutional"
                    + " discriminator: use it with --model dcgan or sngan, and --conditional");
        }
        if ((f == TOY) != DataConfig.GAUSSIAN.equals(config.data().source())) {
            throw new JganException(JganException.USAGE, "the toy model trains only on the 1-D Gaussian data: use"
                    + " `jgan toy`");
        }
        return config;
    }

    /**
     * The projection discriminator of a conditional model ({@link ProjectionDiscriminator}).
     *
     * @param m the model, conditional
     * @return the block
     */
    Block projectionDiscriminator(ModelConfig m) {
        throw new JganException(JganException.USAGE, "--projection is for --model dcgan or sngan, with --conditional");
    }

    /** This family's own rules on a model's shape (none by default). */
    void checkShape(ModelConfig m) {
        if (m.classNorm() && this != DCGAN) {
            throw new JganException(JganException.USAGE, "conditional batch norm in G is chosen for dcgan (with"
                    + " --projection); " + id + " has its own way with classes");
        }
        if ((m.featureMaps() != 0 || m.dFeatureMaps() != 0) && this != SNGAN && this != DCGAN) {
            throw new JganException(JganException.USAGE, "--feature-maps and --d-feature-maps set dcgan's and"
                    + " sngan's width; " + id + " has fixed layer sizes: leave it out, or use --model dcgan or sngan");
        }
        if (m.latentDim() < 1 || m.latentDim() > 4096) {
            throw new JganException(JganException.USAGE, "latent size " + m.latentDim() + " is out of range: use"
                    + " 1..4096 (default 100)");
        }
    }

    private static void requireSquareSide(ModelConfig m) {
        if (m.height() != m.width() || !SQUARE_SIDES.contains(m.height())) {
            throw new JganException(JganException.USAGE, m.family() + " is built for square images of side 28, 32 or"
                    + " 64, but the data is " + m.height() + "x" + m.width() + ": use --image-size 32 or 64 for an"
                    + " image folder");
        }
    }

    /**
     * Per-sample forward multiply-adds of G's layers, for the benchmark's FLOP count.
     *
     * @param m the model
     * @param g its generator (the fully connected families count from its weight shapes)
     * @return multiply-adds per layer, or null if the family does not count them
     */
    public long[] generatorMacs(ModelConfig m, Network g) {
        return denseMacs(g);
    }

    /**
     * Per-sample forward multiply-adds of D's layers, for the benchmark's FLOP count.
     *
     * @param m the model
     * @param d its discriminator
     * @return multiply-adds per layer, or null if the family does not count them
     */
    public long[] discriminatorMacs(ModelConfig m, Network d) {
        return denseMacs(d);
    }

    /**
     * Multiply-adds per sample of each fully connected layer, from the weight shapes.
     *
     * @param network a network
     * @return per layer, or null if the network has weights other than 2-D matrices and biases
     */
    public static long[] denseMacs(Network network) {
        List<Long> layers = new ArrayList<>();
        for (Parameter p : network.trainableParameters()) {
            long[] shape = io.jgan.engine.Torch.shape(p.tensor());
            if (shape.length == 2) {
                layers.add(shape[0] * shape[1]); // weight (out, in)
            } else if (shape.length != 1) {
                return null;
            }
        }
        return layers.isEmpty() ? null : layers.stream().mapToLong(Long::longValue).toArray();
    }

    /** @return whether G has a layout in a tutorial's PyTorch code ({@link TorchLayout}) */
    public boolean hasTorchLayout() {
        return torchFirstWeight() != null;
    }

    /** @return the families whose G has a PyTorch layout */
    public static List<String> withTorchLayout() {
        return Arrays.stream(values()).filter(Family::hasTorchLayout).map(Family::id).toList();
    }

    /**
     * The PyTorch module path of G's layer k (tensors sharing a name prefix), in the tutorial's
     * module.
     *
     * @param k the layer, from 0
     * @param layers G's layer count
     * @return the module path, e.g. {@code hidden0.0}
     * @throws JganException if the family has no PyTorch layout
     */
    public String torchPath(int k, int layers) {
        throw new JganException(JganException.USAGE, "model " + id + " has no PyTorch layout: export supports "
                + String.join(", ", withTorchLayout()));
    }

    /**
     * The family whose PyTorch module names a state_dict uses: the one whose G's first weight is
     * among them (the tutorials' modules name it differently: {@code hidden0.0.weight},
     * {@code gen.0.0.weight}, {@code main.0.weight}).
     *
     * @param names a state_dict's tensor names
     * @return the family's id, or null if none matches
     */
    public static String recognise(java.util.Collection<String> names) {
        for (Family f : values()) {
            if (f.hasTorchLayout() && names.contains(f.torchFirstWeight())) {
                return f.id;
            }
        }
        return null;
    }

    /** @return the PyTorch name of G's first weight (its input size is read off it), or null without a layout */
    public String torchFirstWeight() {
        return null;
    }

    /** @return the PyTorch name of G's output weight of a fully connected G, or null */
    public String torchLastWeight() {
        return null;
    }

    /** @return the pixel range of G's output activation: the preset's (tanh, or the course's sigmoid) */
    public PixelRange range() {
        return preset(1).model().range();
    }

    /**
     * The toy's config.
     *
     * @param mean the real distribution's mean
     * @param std its standard deviation
     * @param steps iterations to train
     * @return the config
     */
    public static GanConfig toy(double mean, double std, long steps) {
        return new GanConfig(DataConfig.gaussian(mean, std, 10_000), new ModelConfig(TOY.id(), 4, 1, 1, 1,
                PixelRange.SYMMETRIC),
                TrainConfig.builder().batchSize(500).lrG(2e-4).lrD(8e-4).beta1(0.0).fixedNoiseCount(256).build(),
                RunSchedule.ofEpochs(1_000_000).toBuilder().maxSteps(steps).gridEvery(0).build());
    }
}
