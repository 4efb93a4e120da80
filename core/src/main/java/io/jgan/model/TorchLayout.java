package io.jgan.model;

import io.jgan.config.ModelConfig;
import io.jgan.format.NamedTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * How a jgan generator's tensors are named and laid out in the PyTorch module its tutorial
 * writes, so that {@code load_state_dict} takes them as they are.
 *
 * <pre>
 * mlp     GeneratorNet of 'GANs from Scratch 1' (Diego Gomez Mosquera):
 *         hidden0.0 Linear(100, 256), hidden1.0 Linear(256, 512), hidden2.0 Linear(512, 1024),
 *         out.0 Linear(1024, 784); LeakyReLU(0.2) between, Tanh out
 * mlp-bn  Generator of the GAN course (DeepLearning.AI, week 1): gen.I.0 Linear and gen.I.1
 *         BatchNorm1d for I = 0..3 (widths 128, 256, 512, 1024), ReLU between, gen.4 Linear
 *         (1024, 784), Sigmoid out
 * dcgan   the Generator of pytorch/examples' dcgan/main.py, in one nn.Sequential 'main':
 *         main.0 ConvTranspose2d(nz, 64, 7, 1, 0) for 28x28 (kernel 4 for 32 and 64),
 *         main.1 BatchNorm2d, main.2 ReLU, then ConvTranspose2d(k 4, s 2, p 1) at 3i, its
 *         BatchNorm2d at 3i + 1 and ReLU at 3i + 2, the last ConvTranspose2d followed by Tanh;
 *         no biases; output (N, C, S, S)
 * </pre>
 *
 * <p>Linear weights are (out, in) in both; batch norm's gamma, beta, running mean and variance
 * are PyTorch's weight, bias, running_mean and running_var. Two DCGAN layers differ in form but
 * not in value:
 * <ul>
 *   <li>jgan projects z with a Linear layer, weight (C*S*S, nz); from a 1x1 input a
 *       ConvTranspose2d of kernel S is that same linear map, weight (nz, C, S, S) =
 *       transpose, then reshape.</li>
 *   <li>jgan's upsampling convolution (zero insertion, then a stride-1 convolution with padding
 *       2; see {@code Dcgan.upconv}) has weight (Cout, Cin, 4, 4); the transposed convolution's
 *       weight is (Cin, Cout, 4, 4) with both kernel axes reversed: output 2i - 1 + p of a
 *       transposed convolution meets kernel tap p, the zero-inserted convolution tap 3 - p.</li>
 * </ul>
 * A conditional generator's input is z followed by the one-hot class code, in both.
 */
public final class TorchLayout {

    private TorchLayout() {}

    /** A jgan layer (tensors sharing a name prefix) and its PyTorch module path. */
    private record Layer(String kind, String torchPath, List<Integer> tensors) {}

    /**
     * Converts a generator's tensors, in jgan's order and names, to PyTorch's names and layout.
     *
     * @param model the generator's model config
     * @param jgan every tensor of the generator (as {@code Network.toTensors})
     * @return the same tensors under PyTorch names, in the module's order
     */
    public static List<NamedTensor> toTorch(ModelConfig model, List<NamedTensor> jgan) {
        List<NamedTensor> out = new ArrayList<>();
        for (Layer layer : layers(model, jgan)) {
            for (int i : layer.tensors()) {
                NamedTensor t = jgan.get(i);
                String name = layer.torchPath() + "." + torchSuffix(t.name());
                out.add(new NamedTensor(name, torchShape(layer.kind(), model, t.shape()),
                        toTorchData(layer.kind(), model, t)));
            }
        }
        return out;
    }

    /**
     * The PyTorch name and shape of every generator tensor, in jgan's order.
     *
     * @param model the model config
     * @param jgan the generator's tensors (names and shapes; the data is not read)
     * @return (PyTorch name, PyTorch shape) per tensor, aligned with {@code jgan}
     */
    public static List<NamedTensor> torchSpec(ModelConfig model, List<NamedTensor> jgan) {
        List<NamedTensor> spec = new ArrayList<>(jgan.size());
        for (int i = 0; i < jgan.size(); i++) {
            spec.add(null);
        }
        for (Layer layer : layers(model, jgan)) {
            for (int i : layer.tensors()) {
                NamedTensor t = jgan.get(i);
                spec.set(i, new NamedTensor(layer.torchPath() + "." + torchSuffix(t.name()),
                        torchShape(layer.kind(), model, t.shape()), null));
            }
        }
        return spec;
    }

    /**
     * Converts one tensor from PyTorch's layout back to jgan's.
     *
     * @param model the model config
     * @param jgan the jgan tensor it becomes (name and shape)
     * @param torchData the PyTorch tensor's row-major values
     * @return the jgan tensor
     */
    public static NamedTensor fromTorch(ModelConfig model, NamedTensor jgan, float[] torchData) {
        String kind = kindOf(model, jgan);
        long[] s = jgan.shape();
        float[] data = switch (kind) {
            case "project" -> transpose(torchData, (int) s[1], (int) s[0]); // (nz, C*S*S) -> (C*S*S, nz)
            case "upconv" -> swapAndFlip(torchData, (int) s[1], (int) s[0], (int) s[2]); // (Cin, Cout, k, k) -> (Cout, Cin, k, k)
            default -> torchData.clone();
        };
        return new NamedTensor(jgan.name(), s, data);
    }

    private static String kindOf(ModelConfig model, NamedTensor t) {
        if (Family.of(model) == Family.DCGAN && t.name().endsWith("_weight")) {
            return t.shape().length == 2 ? "project" : t.shape().length == 4 ? "upconv" : "other";
        }
        return "other";
    }

    /** Groups the tensors into layers by name prefix and gives each its module path. */
    private static List<Layer> layers(ModelConfig model, List<NamedTensor> jgan) {
        List<String> prefixes = new ArrayList<>();
        List<List<Integer>> members = new ArrayList<>();
        for (int i = 0; i < jgan.size(); i++) {
            String name = jgan.get(i).name();
            String prefix = name.substring(0, name.lastIndexOf('_'));
            if (prefixes.isEmpty() || !prefixes.get(prefixes.size() - 1).equals(prefix)) {
                prefixes.add(prefix);
                members.add(new ArrayList<>());
            }
            members.get(members.size() - 1).add(i);
        }
        List<Layer> layers = new ArrayList<>();
        int n = prefixes.size();
        for (int k = 0; k < n; k++) {
            String path = Family.of(model).torchPath(k, n);
            String kind = kindOf(model, jgan.get(members.get(k).get(0)));
            layers.add(new Layer(kind, path, members.get(k)));
        }
        return layers;
    }

    private static String torchSuffix(String jganName) {
        String suffix = jganName.substring(jganName.lastIndexOf('_') + 1);
        return switch (suffix) {
            case "weight", "gamma" -> "weight";
            case "bias", "beta" -> "bias";
            case "runningMean" -> "running_mean";
            case "runningVar" -> "running_var";
            default -> throw new IllegalArgumentException("no PyTorch name for tensor " + jganName);
        };
    }

    private static long[] torchShape(String kind, ModelConfig model, long[] s) {
        return switch (kind) {
            case "project" -> { // (C*S*S, nz) -> (nz, C, S, S)
                long side = model.height() == 28 ? 7 : 4;
                yield new long[] {s[1], s[0] / (side * side), side, side};
            }
            case "upconv" -> new long[] {s[1], s[0], s[2], s[3]};
            default -> s.clone();
        };
    }

    private static float[] toTorchData(String kind, ModelConfig model, NamedTensor t) {
        long[] s = t.shape();
        return switch (kind) {
            case "project" -> transpose(t.data(), (int) s[0], (int) s[1]);
            case "upconv" -> swapAndFlip(t.data(), (int) s[0], (int) s[1], (int) s[2]);
            default -> t.data().clone();
        };
    }

    /** (rows, cols) row-major to (cols, rows). */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] out = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = a[r * cols + c];
            }
        }
        return out;
    }

    /**
     * (A, B, k, k) to (B, A, k, k) with both kernel axes reversed: its own inverse, so it converts
     * either way between a zero-inserted convolution's weight and a transposed convolution's.
     */
    private static float[] swapAndFlip(float[] w, int a, int b, int k) {
        float[] out = new float[w.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                for (int p = 0; p < k; p++) {
                    for (int q = 0; q < k; q++) {
                        out[((j * a + i) * k + (k - 1 - p)) * k + (k - 1 - q)] = w[((i * b + j) * k + p) * k + q];
                    }
                }
            }
        }
        return out;
    }
}
