package dev.tokenwarden.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One {@code tokenwarden} command run in this JVM, its report and errors captured as an operator would see them. */
record CommandOutput(int exitCode, String out, String err) {

    /** @param settings passed as {@code --set key=value}, the way an operator overrides a config file */
    static CommandOutput run(Map<String, String> settings, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        settings.forEach((k, v) -> {
            all.add("--set");
            all.add(k + "=" + v);
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandOutput(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    String both() {
        return out + err;
    }
}
