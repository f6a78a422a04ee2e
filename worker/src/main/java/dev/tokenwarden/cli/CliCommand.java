package dev.tokenwarden.cli;

/** One subcommand. Implementations are listed in {@code META-INF/services} to be found by {@link Main}. */
public interface CliCommand {
    /** Exit codes shared by every command. */
    int OK = 0;
    int FAILED = 1;
    int USAGE = 2;

    String name();

    /** One line for the command list. */
    String summary();

    /** The text of {@code tokenwarden <name> --help}. */
    String help();

    /** Options of this command that take no value, e.g. {@code force}. */
    default java.util.Set<String> flags() {
        return java.util.Set.of();
    }

    /** Runs with the arguments after the command name; returns the exit code. */
    int run(CliArgs args) throws Exception;

    /**
     * {@link #run(CliArgs)} printing its report to {@code out}, so a test reads what an operator would see; commands
     * that print nothing worth asserting keep the one-argument form.
     */
    default int run(CliArgs args, java.io.PrintStream out) throws Exception {
        return run(args);
    }
}
