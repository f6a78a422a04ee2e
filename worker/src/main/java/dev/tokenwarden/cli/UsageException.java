package dev.tokenwarden.cli;

/** The command line is wrong; the message says how. Exit code {@link CliCommand#USAGE}. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
