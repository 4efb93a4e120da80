package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.metrics.StepRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The D(G(z)) warnings fire after a whole window on the wrong side, once, and not otherwise. */
class HealthListenerTest {

    @Test
    void warnsWhenDWinsOutright() {
        assertThat(run(0.005f)).contains("D has won outright for 200 steps").doesNotContain("stopped learning");
    }

    @Test
    void warnsOnceWhenDIsFooledByEverySample() {
        String out = run(0.999f);
        assertThat(out).contains("at step 200 D has taken G's samples for real for 200 steps (mean D(G(z)) 0.9990)")
                .doesNotContain("won outright");
        assertThat(out.split("warning", -1)).hasSize(2); // once, though 499 steps qualify
    }

    @Test
    void staysQuietWhileTheGameIsBalanced() {
        assertThat(run(0.3f)).isEmpty();
        assertThat(run(0.985f)).isEmpty(); // high, but below 0.99
    }

    /** Feeds steps 1-499 (the collapse check, which needs a trainer, runs at 500) with one D(G(z)). */
    private static String run(float dFake) {
        StringWriter text = new StringWriter();
        HealthListener listener = new HealthListener(new PrintWriter(text));
        for (long step = 1; step < HealthListener.COLLAPSE_EVERY; step++) {
            listener.onStep(null, new StepRecord(step, 1, (int) step, 1f, 1f, 0.5f, dFake, 30.0));
        }
        return text.toString();
    }
}
