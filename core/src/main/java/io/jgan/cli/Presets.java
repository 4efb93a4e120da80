package io.jgan.cli;

import io.jgan.JganException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Named recipes for {@code train} and {@code bench}: {@code --preset NAME} stands for a list of
 * options, each of which the user may still give to override it. The list is spliced into the
 * command line before parsing (only the options not already given), so a run records the values
 * it really used, and ranks of a data-parallel job re-expand it identically. A resumed run keeps
 * its own settings: with {@code --resume} the preset is not expanded, and train refuses it by name.
 */
final class Presets {

    /** The option whose value names a preset. */
    static final String OPTION = "--preset";

    /**
     * best: what trained to the lowest FCD in 10 minutes on the project's 2-core CPU (README, "The
     * modern recipe on a CPU"): DCGAN at batch 32, whose 3.8 times as many steps per second as
     * batch 128 win at equal seconds (conditional, one thread, 600 s: FCD 5.6 against 21.9); G
     * twice as wide as D (64 maps against 32), which learns as fast per step as both at 64 at little
     * more than the cost of both at 32 (4.49 against 5.20 in a pair); Adam at 3e-4, faster early
     * than 2e-4; and G's weight average over about the last 200 steps.
     */
    static final Map<String, List<String>> PRESETS = Map.of(
            "best", List.of("--model", "dcgan", "--batch-size", "32", "--ema", "0.995", "--lr", "3e-4",
                    "--feature-maps", "64", "--d-feature-maps", "32", "--clusters", "auto"));

    /**
     * A preset's option left out when the user gave another: without the data's labels
     * (no --conditional) best conditions on k-means clusters of the pixels, one per 100 images
     * (the self-conditioned GAN, which took unconditional FCD from 72.5 to under 10 in 10 minutes,
     * README); with them the labels condition.
     */
    private static final Map<String, String> UNLESS = Map.of("--clusters", "--conditional");

    /** The commands that take a preset. */
    private static final List<String> COMMANDS = List.of("train", "bench");

    private Presets() {}

    /**
     * The command line with the preset's options added where the user did not give them.
     *
     * @param args as typed
     * @return args unchanged when there is no known preset, else with its missing options after
     *     the command's name
     */
    static String[] expand(String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            return args;
        }
        String name = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                name = args[i + 1];
            } else if (args[i].startsWith(OPTION + "=")) {
                name = args[i].substring(OPTION.length() + 1);
            }
        }
        List<String> options = name == null ? null : PRESETS.get(name);
        if (options == null || given(args, "--resume")) {
            return args; // none, an unknown name (refused with the list), or a resume (refused: it keeps its settings)
        }
        List<String> out = new ArrayList<>(List.of(args[0]));
        for (int i = 0; i < options.size(); i += 2) {
            String unless = UNLESS.get(options.get(i));
            if (!given(args, options.get(i)) && (unless == null || !given(args, unless))) {
                out.add(options.get(i));
                out.add(options.get(i + 1));
            }
        }
        out.addAll(Arrays.asList(args).subList(1, args.length));
        return out.toArray(String[]::new);
    }

    private static boolean given(String[] args, String option) {
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals(option) || args[i].startsWith(option + "=")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses an unknown preset, or one combined with a model it is not for.
     *
     * @param name --preset's value, or null
     * @param model --model's value after expansion
     */
    static void check(String name, String model) {
        if (name == null) {
            return;
        }
        List<String> options = PRESETS.get(name);
        if (options == null) {
            throw new JganException(JganException.USAGE, "unknown --preset '" + name + "': the presets are "
                    + String.join(", ", PRESETS.keySet()));
        }
        int m = options.indexOf("--model");
        if (m >= 0 && !options.get(m + 1).equals(model)) {
            throw new JganException(JganException.USAGE, "--preset " + name + " is a --model "
                    + options.get(m + 1) + " recipe, not one for --model " + model + ": leave out --model, or give --model "
                    + options.get(m + 1));
        }
    }
}
