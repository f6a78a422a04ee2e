package dev.tokenwarden.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import dev.tokenwarden.config.ConfigException;

/** {@code tokenwarden <command> [options]}. The only place that exits the process. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs a command and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Map<String, CliCommand> commands = commands();
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
            out.print(overview(commands));
            return args.isEmpty() ? CliCommand.USAGE : CliCommand.OK;
        }
        CliCommand command = commands.get(args.get(0));
        if (command == null) {
            err.println("unknown command '" + args.get(0) + "'\n");
            err.print(overview(commands));
            return CliCommand.USAGE;
        }
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        if (rest.contains("--help")) {
            out.print(command.help());
            return CliCommand.OK;
        }
        try {
            return command.run(CliArgs.parse(rest, command.flags()), out);
        } catch (UsageException e) {
            err.println("tokenwarden " + command.name() + ": " + e.getMessage());
            err.println("see: tokenwarden " + command.name() + " --help");
            return CliCommand.USAGE;
        } catch (ConfigException e) {
            err.println("tokenwarden " + command.name() + ": " + e.getMessage());
            return CliCommand.USAGE;
        } catch (Exception e) {
            Optional<String> missing = MissingSchema.in(e);
            if (missing.isPresent()) {
                err.println(MissingSchema.line(command.name(), missing.get()));
                return CliCommand.FAILED;
            }
            err.println("tokenwarden " + command.name() + " failed: " + e);
            e.printStackTrace(err);
            return CliCommand.FAILED;
        }
    }

    static Map<String, CliCommand> commands() {
        Map<String, CliCommand> commands = new LinkedHashMap<>();
        for (CliCommand c : List.of(new RunCommand(), new MigrateCommand(), new ProduceCommand(),
                new TopicsCommand(), new StatusCommand(), new ExplainCommand(), new DeadLettersCommand())) {
            commands.put(c.name(), c);
        }
        for (CliCommand c : ServiceLoader.load(CliCommand.class)) {
            commands.putIfAbsent(c.name(), c);
        }
        return commands;
    }

    private static String overview(Map<String, CliCommand> commands) {
        StringBuilder b = new StringBuilder("usage: tokenwarden <command> [options]\n\nCommands:\n");
        commands.values().forEach(c -> b.append(String.format("  %-13s %s%n", c.name(), c.summary())));
        if (!commands.containsKey("demo")) {
            b.append(String.format("  %-13s %s%n", "demo", "(needs the demo module on the classpath: use scripts/demo)"));
        }
        b.append("\nRun 'tokenwarden <command> --help' for its options.\n");
        return b.toString();
    }
}
