package io.jgan;

/**
 * A problem caused by the user's input or environment (a bad file, a bad flag, an unwritable
 * folder), reported as one line naming the cause and the remedy, with a documented exit code.
 *
 * <p>The CLI prints {@link #getMessage()} without a stack trace; everything else is a bug.
 */
public class JganException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code for bad command-line values (picocli's own usage errors use 2 as well). */
    public static final int USAGE = 2;
    /** Exit code for unreadable or invalid input data. */
    public static final int BAD_DATA = 3;
    /** Exit code for a missing, corrupt or incompatible checkpoint. */
    public static final int BAD_CHECKPOINT = 4;
    /** Exit code for an output location that cannot be written. */
    public static final int IO = 5;
    /** Exit code for a training run stopped by the divergence guard (NaN or infinite loss). */
    public static final int DIVERGED = 6;
    /**
     * Exit code for a data-parallel rank that lost the others (one died, hung past the time-out, or
     * the network went); the job's last checkpoint is intact.
     */
    public static final int RANK_LOST = 7;
    /**
     * Exit code for a training run stopped by SIGINT or SIGTERM after checkpointing its last step:
     * resumable (sysexits' EX_TEMPFAIL, "try again later").
     */
    public static final int STOPPED = 75;

    private final int exitCode;

    /**
     * Creates an exception with the exit code the CLI should return.
     *
     * @param exitCode one of the constants of this class
     * @param message one line: what is wrong and what to do about it
     */
    public JganException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /**
     * Creates an exception with a cause kept for debugging (printed only with --debug).
     *
     * @param exitCode one of the constants of this class
     * @param message one line: what is wrong and what to do about it
     * @param cause the underlying exception
     */
    public JganException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /**
     * Returns the process exit code for this problem.
     *
     * @return the exit code
     */
    public int exitCode() {
        return exitCode;
    }
}
