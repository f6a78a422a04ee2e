package dev.tokenwarden.demo.chaos;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import dev.tokenwarden.stack.LocalStack;

/** One chaos scenario: a fresh {@link ChaosRun} on the shared stack, one table row. */
interface ChaosScenario {
    String name();

    /** One line for {@code --help}. */
    String description();

    ChaosResult run(Context context) throws Exception;

    /**
     * @param accounts the storm's size from {@code --accounts}
     * @param workerClasspath what worker processes run with
     */
    record Context(LocalStack stack, int accounts, String workerClasspath, Path logRoot, PrintStream out) {
    }

    /**
     * @param row the table's columns, in order
     * @param details what the JSON report adds: evidence ids, assignments, exit codes
     */
    record ChaosResult(boolean passed, Map<String, Object> row, Map<String, Object> details) {
    }
}
