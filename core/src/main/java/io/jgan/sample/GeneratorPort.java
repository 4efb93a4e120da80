package io.jgan.sample;

import io.jgan.JganException;
import io.jgan.Version;
import io.jgan.checkpoint.CheckpointManifest;
import io.jgan.checkpoint.CheckpointSchema;
import io.jgan.checkpoint.Checkpoints;
import io.jgan.config.DataConfig;
import io.jgan.config.GanConfig;
import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.format.NamedTensor;
import io.jgan.format.SafeTensors;
import io.jgan.model.Family;
import io.jgan.model.Network;
import io.jgan.model.TorchLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generators in and out of jgan as safetensors files named for the tutorials' PyTorch modules
 * ({@link TorchLayout}).
 *
 * <p>An export holds G's weights under the module's names, G's weight average (with
 * {@code --ema}) under the same names prefixed {@code ema.}, and the model description in the
 * header's {@code __metadata__}. An import turns such a file, or a {@code state_dict} saved by
 * PyTorch, into a checkpoint folder that {@code sample}, {@code eval}, {@code interpolate} and
 * {@code traverse} accept; it holds the generator only, so it cannot be resumed.
 */
public final class GeneratorPort {

    /** Metadata key naming the file's kind, and its value in a jgan export. */
    public static final String FORMAT_KEY = "format";
    /** The format value of a jgan export. */
    public static final String FORMAT = "jgan-generator";
    /** Prefix of the weight average's tensors. */
    public static final String EMA_PREFIX = "ema.";

    private GeneratorPort() {}

    /**
     * What an import needs to know when the file does not say (a PyTorch {@code state_dict}).
     *
     * @param family {@code mlp}, {@code mlp-bn} or {@code dcgan}; null to take the file's metadata
     * @param classes classes of a conditional generator (its input is z then the one-hot code)
     * @param channels image channels, or null: 1 for an MLP, from the weights for DCGAN
     */
    public record ImportOptions(String family, int classes, Integer channels) {}

    /**
     * Writes a checkpoint's generator as safetensors.
     *
     * @param checkpoint a run folder (its newest checkpoint) or a checkpoint folder
     * @param out the file to write
     * @return the metadata written
     * @throws JganException exit 2 for a model without a PyTorch layout, 4 for a bad checkpoint,
     *     5 if the file cannot be written
     */
    public static Map<String, String> export(Path checkpoint, Path out) {
        Path dir = Checkpoints.resolve(checkpoint);
        CheckpointManifest manifest = Checkpoints.readManifest(dir);
        ModelConfig model = manifest.config().model();
        if (!Family.of(model).hasTorchLayout()) {
            throw new JganException(JganException.USAGE, "model " + model.family() + " has no PyTorch layout: export"
                    + " supports " + String.join(", ", Family.withTorchLayout()));
        }
        if (model.classNorm()) {
            throw new JganException(JganException.USAGE, "this dcgan's G takes its class through conditional batch norm,"
                    + " which the tutorials' PyTorch dcgan has no layer for: export supports the one-hot dcgan (a run"
                    + " without --projection)");
        }
        List<NamedTensor> tensors = new ArrayList<>(
                TorchLayout.toTorch(model, Checkpoints.readPart(dir, CheckpointSchema.GENERATOR)));
        boolean ema = manifest.contents().contains(CheckpointSchema.GENERATOR_EMA);
        if (ema) {
            for (NamedTensor t : TorchLayout.toTorch(model, Checkpoints.readPart(dir, CheckpointSchema.GENERATOR_EMA))) {
                tensors.add(new NamedTensor(EMA_PREFIX + t.name(), t.shape(), t.data()));
            }
        }
        Map<String, String> meta = metadata(model, manifest.step(), ema);
        try {
            SafeTensors.write(out, tensors, meta);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + out + ": " + e.getMessage(), e);
        }
        return meta;
    }

    /** The model description every export carries; {@link #modelOf} reads it back. */
    static Map<String, String> metadata(ModelConfig model, long step, boolean ema) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(FORMAT_KEY, FORMAT);
        meta.put("family", model.family());
        meta.put("latent_dim", Integer.toString(model.latentDim()));
        meta.put("classes", Integer.toString(model.classes()));
        meta.put("channels", Integer.toString(model.channels()));
        meta.put("height", Integer.toString(model.height()));
        meta.put("width", Integer.toString(model.width()));
        if (model.featureMaps() != 0) { // G's width where it is not the family's own (dcgan --feature-maps)
            meta.put("feature_maps", Integer.toString(model.featureMaps()));
        }
        meta.put("pixel_range", model.range() == PixelRange.UNIT ? "[0, 1]" : "[-1, 1]");
        meta.put("input", model.selfConditioned() ? "z ~ N(0, 1) of latent_dim, then the one-hot code of a k-means"
                + " cluster of the training images, drawn with the probabilities in cluster_shares"
                : model.conditional() ? "z ~ N(0, 1) of latent_dim, then the one-hot class code" : "z ~ N(0, 1) of latent_dim");
        if (model.selfConditioned()) {
            meta.put("cluster_shares", model.clusterShares().stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(",")));
        }
        meta.put("weight_average", ema ? "ema.*" : "none");
        meta.put("step", Long.toString(step));
        meta.put("jgan_version", Version.CURRENT);
        return meta;
    }

    /**
     * Turns a safetensors generator into a jgan checkpoint folder, {@code RUN/checkpoints/step-N}.
     *
     * @param weights the safetensors file
     * @param options what the file does not say
     * @param run the run folder to create (must not hold a checkpoint already)
     * @return the checkpoint folder written
     * @throws JganException exit 4 naming the missing, extra or misshapen tensor, 2 for options
     *     that contradict the file
     */
    public static Path importWeights(Path weights, ImportOptions options, Path run) {
        SafeTensors.Contents file = SafeTensors.read(weights);
        ModelConfig model = modelOf(file, options, weights);
        long step = parseLong(file.metadata().get("step"), 0);
        List<NamedTensor> live;
        List<NamedTensor> ema = null;
        try (Network g = Family.of(model).newGenerator(CheckpointSchema.GENERATOR, model)) {
            List<NamedTensor> template = g.toTensors();
            Set<String> used = new HashSet<>();
            live = take(model, template, file, "", used, weights);
            boolean hasEma = file.tensors().keySet().stream().anyMatch(k -> k.startsWith(EMA_PREFIX));
            if (hasEma) {
                ema = take(model, template, file, EMA_PREFIX, used, weights);
            }
            for (SafeTensors.Entry e : file.tensors().values()) {
                if (!used.contains(e.name()) && !e.name().endsWith("num_batches_tracked")) {
                    throw new JganException(JganException.BAD_CHECKPOINT, "bad weights file " + weights + ": tensor "
                            + e.name() + " is not part of a " + describe(model) + " generator (is --model right?)");
                }
            }
            // load into the network, as a sampler will: any remaining mismatch shows here, not later
            g.copyFrom(live);
        }
        Map<String, List<NamedTensor>> parts = new LinkedHashMap<>();
        parts.put(CheckpointSchema.GENERATOR, live);
        if (ema != null) {
            parts.put(CheckpointSchema.GENERATOR_EMA, ema);
        }
        GanConfig base = Family.of(model).preset(1);
        DataConfig data = model.channels() == 1 && model.height() == 28 && model.width() == 28
                ? base.data() : DataConfig.embedded(0);
        GanConfig config = new GanConfig(data, model, base.train(), base.schedule());
        CheckpointManifest manifest = new CheckpointManifest(CheckpointSchema.FORMAT, CheckpointSchema.FORMAT_VERSION,
                Version.CURRENT, Instant.now().toString(), step, 0, 0, 0, 0, config, List.copyOf(parts.keySet()));
        return Checkpoints.save(run.resolve("checkpoints"), manifest, parts, 1, List.of());
    }

    /** The file's tensors for every template tensor, under {@code prefix}, in jgan's layout. */
    private static List<NamedTensor> take(ModelConfig model, List<NamedTensor> template, SafeTensors.Contents file,
            String prefix, Set<String> used, Path weights) {
        List<NamedTensor> spec = TorchLayout.torchSpec(model, template);
        List<NamedTensor> out = new ArrayList<>();
        for (int i = 0; i < template.size(); i++) {
            String name = prefix + spec.get(i).name();
            SafeTensors.Entry e = file.tensors().get(name);
            if (e == null) {
                throw new JganException(JganException.BAD_CHECKPOINT, "bad weights file " + weights + ": tensor " + name
                        + " is missing (a " + describe(model) + " generator needs it; is --model right?)");
            }
            if (!Arrays.equals(e.shape(), spec.get(i).shape())) {
                throw new JganException(JganException.BAD_CHECKPOINT, "bad weights file " + weights + ": tensor " + name
                        + " has shape " + Arrays.toString(e.shape()) + " but a " + describe(model)
                        + " generator needs " + Arrays.toString(spec.get(i).shape()));
            }
            if (e.data() == null) {
                throw new JganException(JganException.BAD_CHECKPOINT, "bad weights file " + weights + ": tensor " + name
                        + " has integer dtype " + e.dtype() + " where weights are floating point");
            }
            used.add(name);
            out.add(TorchLayout.fromTorch(model, template.get(i), e.data()));
        }
        return out;
    }

    /**
     * The model a file holds: from a jgan export's metadata, else from the options and the
     * weights' shapes.
     */
    static ModelConfig modelOf(SafeTensors.Contents file, ImportOptions options, Path weights) {
        Map<String, String> meta = file.metadata();
        ModelConfig model;
        if (FORMAT.equals(meta.get(FORMAT_KEY))) {
            String family = meta.get("family");
            if (options.family() != null && !options.family().equals(family)) {
                throw new JganException(JganException.USAGE, weights + " holds a " + family + " generator, not "
                        + options.family() + ": leave out --model, or give --model " + family);
            }
            try {
                model = new ModelConfig(family, Integer.parseInt(meta.get("latent_dim")),
                        Integer.parseInt(meta.get("channels")), Integer.parseInt(meta.get("height")),
                        Integer.parseInt(meta.get("width")), Family.of(family).range(), Integer.parseInt(meta.get("classes")),
                        Integer.parseInt(meta.getOrDefault("feature_maps", "0")));
                String shares = meta.get("cluster_shares");
                if (shares != null) { // self-conditioned: unasked samples draw clusters in these shares
                    model = model.withClusterShares(java.util.Arrays.stream(shares.split(",")).map(Double::valueOf).toList());
                }
            } catch (NumberFormatException e) {
                throw new JganException(JganException.BAD_CHECKPOINT, "bad weights file " + weights
                        + ": its jgan metadata has a field that is not a number (" + e.getMessage() + ")");
            }
        } else {
            String family = options.family() != null ? options.family() : Family.recognise(file.tensors().keySet());
            if (family == null) {
                throw new JganException(JganException.USAGE, weights + " does not say which model it holds, and its"
                        + " tensor names are none of the tutorials' modules: give --model "
                        + String.join("|", Family.withTorchLayout()));
            }
            model = inferred(file, new ImportOptions(family, options.classes(), options.channels()), weights);
        }
        if (!Family.withTorchLayout().contains(model.family())) {
            throw new JganException(JganException.USAGE, "unknown --model '" + model.family() + "': use one of "
                    + String.join(", ", Family.withTorchLayout()));
        }
        try {
            Family.of(model).validate(model);
        } catch (JganException e) {
            throw new JganException(JganException.BAD_CHECKPOINT, "bad weights file " + weights + ": " + e.getMessage());
        }
        return model;
    }

    /** Reads the latent size, image size and channels off a PyTorch state_dict's shapes. */
    private static ModelConfig inferred(SafeTensors.Contents file, ImportOptions o, Path weights) {
        String family = o.family();
        if (!Family.withTorchLayout().contains(family)) {
            throw new JganException(JganException.USAGE, "unknown --model '" + family + "': use one of "
                    + String.join(", ", Family.withTorchLayout()));
        }
        Family f = Family.of(family);
        if (o.classes() < 0 || o.classes() > 256) {
            throw new JganException(JganException.USAGE, "--classes must be in 0..256, got " + o.classes());
        }
        long[] in = shapeOf(file, f.torchFirstWeight(), family, weights);
        // a Linear weight is (out, in); the first ConvTranspose2d's is (in, out, k, k)
        long inputs = in.length == 4 ? in[0] : in[1];
        int latent = (int) (inputs - o.classes());
        if (latent < 1) {
            throw new JganException(JganException.USAGE, "the generator takes " + inputs + " inputs, fewer than --classes "
                    + o.classes() + " + a latent vector");
        }
        if (f.torchLastWeight() == null) { // DCGAN: count the ConvTranspose2d layers
            int convs = 0;
            while (file.tensors().containsKey("main." + 3 * (convs + 1) + ".weight")) {
                convs++;
            }
            long[] last = shapeOf(file, "main." + 3 * convs + ".weight", family, weights);
            int side = in.length == 4 && in[2] == 7 ? 28 : 4 << convs;
            int channels = (int) last[1];
            int finest = (int) last[0]; // the last ConvTranspose2d's weight is (width, channels, 4, 4)
            return new ModelConfig(family, latent, channels, side, side, f.range(), o.classes(),
                    finest == io.jgan.model.Dcgan.DEFAULT_WIDTH ? 0 : finest);
        }
        long[] out = shapeOf(file, f.torchLastWeight(), family, weights);
        int channels = o.channels() != null ? o.channels() : 1;
        long pixels = out[0] / channels;
        int side = (int) Math.round(Math.sqrt(pixels));
        if (out[0] % channels != 0 || (long) side * side != pixels) {
            throw new JganException(JganException.USAGE, "the generator writes " + out[0] + " values, not square "
                    + channels + "-channel images: give --channels");
        }
        return new ModelConfig(family, latent, channels, side, side, f.range(), o.classes());
    }

    private static long[] shapeOf(SafeTensors.Contents file, String name, String family, Path weights) {
        SafeTensors.Entry e = file.tensors().get(name);
        if (e == null) {
            throw new JganException(JganException.BAD_CHECKPOINT, "bad weights file " + weights + ": tensor " + name
                    + " is missing (a " + family + " generator needs it; is --model right?)");
        }
        return e.shape();
    }

    private static String describe(ModelConfig m) {
        return m.family() + " (latent " + m.latentDim() + (m.conditional() ? ", " + m.classes() + " classes" : "") + ", "
                + m.channels() + "x" + m.height() + "x" + m.width() + ")";
    }

    private static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
