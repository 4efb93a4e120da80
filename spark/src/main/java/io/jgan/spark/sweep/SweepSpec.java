package io.jgan.spark.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jgan.JganException;
import io.jgan.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import picocli.CommandLine;

/**
 * A sweep: settings x seeds, each trial a {@code jgan train} run measured with {@code --eval-every}.
 *
 * <pre>
 * # sweep.yaml
 * name: lr-and-seeds
 * options:                 # any jgan train option: a value is fixed, a list is a grid axis
 *   --model: mlp
 *   --lr: [0.0002, 0.0005]
 * random:                  # optional: draws from ranges, each draw a setting
 *   count: 4
 *   seed: 1
 *   options:
 *     --lr-d: {min: 0.0001, max: 0.001, log: true}
 *     --batch-size: {choice: [50, 100]}
 * seeds: [1, 2, 3]         # or {from: 1, count: 16}
 * steps: 2000              # iterations of a trial that is never stopped
 * evalEvery: 500           # --eval-every: the leaderboard's FCD is the last measurement
 * evalSamples: 1000        # --eval-samples
 * halving: [500, 1000]     # optional successive halving: at each of these steps the worse half stops
 * </pre>
 *
 * @param name the sweep's name
 * @param trials the trials, in a fixed order
 * @param steps a full trial's iterations
 * @param evalEvery iterations between measurements
 * @param evalSamples samples a measurement
 * @param rungs the steps at which trials are measured and compared: the halving steps, then
 *     {@code steps}
 * @param text the spec as read (a resumed sweep must be given the same one)
 */
public record SweepSpec(String name, List<Trial> trials, int steps, int evalEvery, int evalSamples, List<Integer> rungs,
        String text) implements java.io.Serializable {

    private static final List<String> KEYS = List.of("name", "options", "random", "seeds", "steps", "evalEvery",
            "evalSamples", "halving");
    /** Options the sweep sets itself. */
    private static final List<String> OWN = List.of("--seed", "--max-steps", "--eval-every", "--eval-samples", "--out",
            "--resume", "--nproc", "--no-progress");

    /**
     * Reads and checks a spec file (.json, .yaml or .yml).
     *
     * @param file the spec
     * @return the sweep
     * @throws JganException (usage) naming the problem: an unknown key or train option, zero
     *     trials, bad numbers
     */
    public static SweepSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot read sweep spec " + file + ": " + e.getMessage());
        }
        String lower = file.toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = lower.endsWith(".yaml") || lower.endsWith(".yml") ? new ObjectMapper(new YAMLFactory())
                : new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (IOException e) {
            throw bad(file, "not valid " + (mapper.getFactory() instanceof YAMLFactory ? "YAML" : "JSON") + ": "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "expected a mapping with keys " + KEYS);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw bad(file, "unknown key '" + k + "': use " + KEYS);
            }
        }
        String name = root.path("name").asText(file.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
        int steps = positive(file, root, "steps", -1);
        int evalEvery = positive(file, root, "evalEvery", steps);
        int evalSamples = positive(file, root, "evalSamples", 1000);
        List<Integer> rungs = new ArrayList<>();
        for (JsonNode r : root.path("halving")) {
            if (!r.canConvertToInt() || r.asInt() <= 0 || r.asInt() >= steps
                    || (!rungs.isEmpty() && r.asInt() <= rungs.get(rungs.size() - 1))) {
                throw bad(file, "halving must list increasing steps between 0 and steps (" + steps + "), got " + r);
            }
            rungs.add(r.asInt());
        }
        rungs.add(steps);
        for (int r : rungs) {
            if (r % evalEvery != 0) {
                throw bad(file, "step " + r + " is not a multiple of evalEvery (" + evalEvery + "): trials are compared"
                        + " on their measurement at each halving step and at the end");
            }
        }
        // the grid: fixed values and lists
        List<List<String[]>> axes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("options").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String[]> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                if (e.getValue().isEmpty()) {
                    throw bad(file, "option " + e.getKey() + " has an empty list: no trial could take it");
                }
                e.getValue().forEach(v -> values.add(new String[] {e.getKey(), text(v)}));
            } else {
                values.add(new String[] {e.getKey(), text(e.getValue())});
            }
            axes.add(values);
        }
        List<List<String[]>> settings = new ArrayList<>();
        settings.add(new ArrayList<>());
        for (List<String[]> axis : axes) {
            List<List<String[]>> next = new ArrayList<>();
            for (List<String[]> s : settings) {
                for (String[] v : axis) {
                    List<String[]> t = new ArrayList<>(s);
                    t.add(v);
                    next.add(t);
                }
            }
            settings = next;
        }
        settings = withDraws(file, root.path("random"), settings);
        List<Long> seeds = seeds(file, root.path("seeds"));
        List<Trial> trials = new ArrayList<>();
        for (List<String[]> s : settings) {
            for (long seed : seeds) {
                List<String> options = new ArrayList<>();
                StringBuilder label = new StringBuilder();
                for (String[] v : s) {
                    if (v[1] == null) {
                        continue; // a flag set to false: left out
                    }
                    options.add(v[0]);
                    if (!v[1].isEmpty()) {
                        options.add(v[1]);
                    }
                    if (isVarying(root, v[0])) {
                        label.append(label.length() == 0 ? "" : " ").append(v[0]).append(v[1].isEmpty() ? "" : " " + v[1]);
                    }
                }
                label.append(label.length() == 0 ? "" : " ").append("--seed ").append(seed);
                trials.add(new Trial(String.format("t%03d", trials.size()), List.copyOf(options), seed, label.toString()));
            }
        }
        if (trials.isEmpty()) {
            throw bad(file, "it makes zero trials: give at least one seed and no empty option list");
        }
        for (Trial t : trials) {
            checkOptions(file, t);
        }
        return new SweepSpec(name, List.copyOf(trials), steps, evalEvery, evalSamples, List.copyOf(rungs), text);
    }

    private static boolean isVarying(JsonNode root, String option) {
        return root.path("options").path(option).isArray() || root.path("random").path("options").has(option);
    }

    private static List<List<String[]>> withDraws(Path file, JsonNode random, List<List<String[]>> grid) {
        if (random.isMissingNode()) {
            return grid;
        }
        int count = random.path("count").asInt(0);
        if (count <= 0) {
            throw bad(file, "random.count must be a positive number of draws");
        }
        Random rng = new Random(random.path("seed").asLong(0));
        List<List<String[]>> out = new ArrayList<>();
        for (List<String[]> s : grid) {
            for (int i = 0; i < count; i++) {
                List<String[]> t = new ArrayList<>(s);
                for (Iterator<Map.Entry<String, JsonNode>> it = random.path("options").fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    t.add(new String[] {e.getKey(), draw(file, e.getKey(), e.getValue(), rng)});
                }
                out.add(t);
            }
        }
        return out;
    }

    private static String draw(Path file, String option, JsonNode range, Random rng) {
        if (range.has("choice") && range.get("choice").isArray() && !range.get("choice").isEmpty()) {
            JsonNode c = range.get("choice");
            return text(c.get(rng.nextInt(c.size())));
        }
        if (!range.has("min") || !range.has("max") || range.get("min").asDouble() > range.get("max").asDouble()) {
            throw bad(file, "random option " + option + " needs {min: A, max: B} with A <= B (log: true for a log"
                    + " scale; int: true for whole numbers) or {choice: [...]}");
        }
        double lo = range.get("min").asDouble();
        double hi = range.get("max").asDouble();
        boolean log = range.path("log").asBoolean(false);
        if (log && lo <= 0) {
            throw bad(file, "random option " + option + " has log: true but min " + lo + " <= 0");
        }
        double u = rng.nextDouble();
        double v = log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
        if (range.path("int").asBoolean(false)) {
            return Long.toString(Math.round(v));
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static List<Long> seeds(Path file, JsonNode seeds) {
        List<Long> out = new ArrayList<>();
        if (seeds.isMissingNode()) {
            out.add(1L); // train's default seed
        } else if (seeds.isArray()) {
            seeds.forEach(s -> out.add(s.asLong()));
        } else if (seeds.isObject() && seeds.has("count")) {
            long from = seeds.path("from").asLong(1);
            for (int i = 0; i < seeds.get("count").asInt(); i++) {
                out.add(from + i);
            }
        } else if (seeds.canConvertToLong()) {
            out.add(seeds.asLong());
        } else {
            throw bad(file, "seeds must be a list, a number or {from: A, count: N}");
        }
        return out;
    }

    /** Parses a trial's options with jgan train's own parser: an unknown option stops the sweep here. */
    private static void checkOptions(Path file, Trial t) {
        for (String o : t.options()) {
            if (OWN.contains(o)) {
                throw bad(file, o + " is set by the sweep itself (seeds, steps, evalEvery, evalSamples): remove it"
                        + " from options");
            }
        }
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(t.options());
        try {
            Main.commandLine().parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw bad(file, "trial " + t.id() + " (" + t.settings() + "): " + e.getMessage()
                    + " (see jgan train --help)");
        }
    }

    private static String text(JsonNode v) {
        if (v.isBoolean()) {
            return v.asBoolean() ? "" : null; // a flag: present when true
        }
        return v.asText();
    }

    private static int positive(Path file, JsonNode root, String key, int dflt) {
        JsonNode v = root.get(key);
        if (v == null) {
            if (dflt < 0) {
                throw bad(file, "missing '" + key + "': the iterations of a full trial");
            }
            return dflt;
        }
        if (!v.canConvertToInt() || v.asInt() <= 0) {
            throw bad(file, key + " must be a positive whole number, got " + v);
        }
        return v.asInt();
    }

    private static JganException bad(Path file, String what) {
        return new JganException(JganException.USAGE, "sweep spec " + file + ": " + what);
    }

    /** @return the number of trials */
    public int size() {
        return trials.size();
    }

    /** @return the spec's settings by name, for sweep.json */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("trials", trials.size());
        m.put("steps", steps);
        m.put("evalEvery", evalEvery);
        m.put("evalSamples", evalSamples);
        m.put("rungs", rungs);
        return m;
    }
}
