package io.jgan.serve;

/**
 * A request the server refuses, with the HTTP status and the one-line reason the client gets as
 * {@code {"error": reason}}.
 */
public final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status 400, 404, 503 ...
     * @param reason one line naming the problem and what to do
     */
    public ApiError(int status, String reason) {
        super(reason, null, false, false); // no stack trace: this is a user's mistake, not a bug
        this.status = status;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    static ApiError badRequest(String reason) {
        return new ApiError(400, reason);
    }

    static ApiError notFound(String reason) {
        return new ApiError(404, reason);
    }
}
