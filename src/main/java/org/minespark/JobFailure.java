package org.minespark;

/**
 * A runtime failure that the job diagnosed itself, such as training that kept producing
 * non-finite values. Unlike a {@link UserError} it is not a mistake in the input or the
 * settings, so it ends the job with the runtime-failure exit code 1; unlike an unexpected
 * exception its message is complete for the user and is printed alone, as one line.
 */
public class JobFailure extends RuntimeException {

    public JobFailure(String message) {
        super(message);
    }

    public JobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
