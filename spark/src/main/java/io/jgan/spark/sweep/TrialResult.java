package io.jgan.spark.sweep;

import java.io.Serializable;

/**
 * What one trial reached at one rung.
 *
 * @param id the trial
 * @param rung the steps it was run to
 * @param status done (measured at the rung), failed (jgan train stopped with an error) or stopped
 *     (halved out at an earlier rung: set by the leaderboard)
 * @param fcd the last measurement's FCD (NaN when failed)
 * @param step the step of that measurement
 * @param seconds the wall time of this rung's run
 * @param error the error line of a failed trial, else empty
 */
public record TrialResult(String id, int rung, String status, double fcd, long step, double seconds, String error)
        implements Serializable {

    /** @return whether the trial was measured at its rung */
    public boolean done() {
        return status.equals("done");
    }
}
