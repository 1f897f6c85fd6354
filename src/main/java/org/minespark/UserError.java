package org.minespark;

/**
 * A mistake in what the user gave the job: a setting, the input data or the output location.
 * It is reported as one line, without a stack trace, and ends the job with the exit code of
 * its {@link Kind}. Anything else that fails is a runtime failure.
 */
public class UserError extends RuntimeException {

    /** The classes of user error; each has its own process exit code. */
    public enum Kind {
        /** A bad command line, an unknown setting or a value out of its range. */
        USAGE(2),
        /** Input that cannot be read or used: a missing path, a missing or non-numeric column. */
        DATA(3),
        /** An output location that exists already or cannot be written. */
        OUTPUT(4);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public UserError(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public UserError(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static UserError usage(String message) {
        return new UserError(Kind.USAGE, message);
    }

    public static UserError data(String message) {
        return new UserError(Kind.DATA, message);
    }

    public static UserError output(String message) {
        return new UserError(Kind.OUTPUT, message);
    }

    public Kind kind() {
        return kind;
    }
}
