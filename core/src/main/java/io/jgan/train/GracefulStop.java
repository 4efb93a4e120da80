package io.jgan.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM as a request to stop: the first one calls back (the loop finishes its step
 * and checkpoints it), a second one halts the process at once, as the signal would have. The
 * JVM's own handlers come back on {@link #close}.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to take a signal
 * without starting the JVM's shutdown, which would give the loop no time to finish its step.
 */
final class GracefulStop implements AutoCloseable {

    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    /** Set by the first signal; each signal's handler runs on its own thread, so two at once must not both be first. */
    private final AtomicBoolean requested = new AtomicBoolean();

    private GracefulStop() {}

    /**
     * Takes over SIGINT and SIGTERM.
     *
     * @param onFirst called with the signal's name (INT or TERM) on the first signal
     * @return the handle; close it to give the signals back
     */
    static GracefulStop install(Consumer<String> onFirst) {
        GracefulStop stop = new GracefulStop();
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            SignalHandler handler = s -> {
                if (stop.requested.getAndSet(true)) {
                    Runtime.getRuntime().halt(128 + s.getNumber()); // the second signal: now
                }
                onFirst.accept(s.getName());
            };
            try {
                stop.previous.add(Signal.handle(signal, handler));
                stop.signals.add(signal);
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal for itself (-Xrs, or an OS that reserves it): its default stands
            }
        }
        return stop;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
