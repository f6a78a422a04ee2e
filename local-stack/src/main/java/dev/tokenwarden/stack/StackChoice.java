package dev.tokenwarden.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which stack the shared one is: the embedded servers (the default) or the {@link ServerProvider} named by
 * {@code -Dtokenwarden.stack}. A provider that cannot run here (no container engine answers) falls back to the
 * embedded stack, said in a warning, rather than failing or skipping: a run must never pass with zero tests,
 * and the same command then still runs every test against real servers on a machine without an engine.
 * Scripts that must run on the provider check the log for {@link #FALLBACK_MARK} (scripts/test-containers).
 */
public record StackChoice(Optional<ServerProvider> provider, boolean fellBack, String message) {
    public static final String PROPERTY = "tokenwarden.stack";
    public static final String EMBEDDED = "embedded";
    public static final String FALLBACK_MARK = "falling back to the embedded stack";

    /** The pure decision: {@code requested} is the property's value (null or blank for the default). */
    public static StackChoice decide(String requested, List<ServerProvider> providers) {
        String name = requested == null || requested.isBlank() ? EMBEDDED : requested.trim().toLowerCase(Locale.ROOT);
        if (name.equals(EMBEDDED)) {
            return new StackChoice(Optional.empty(), false, "shared stack: embedded (in-JVM Kafka, embedded PostgreSQL and Redis)");
        }
        ServerProvider provider = providers.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("-D" + PROPERTY + " must be one of " + names(providers)
                        + ", not '" + requested + "'"));
        Optional<String> unavailable = provider.unavailableReason();
        if (unavailable.isPresent()) {
            return new StackChoice(Optional.empty(), true, "shared stack: -D" + PROPERTY + "=" + name + " asked for, but "
                    + unavailable.get() + "; " + FALLBACK_MARK + " (in-JVM Kafka, embedded PostgreSQL and Redis)");
        }
        return new StackChoice(Optional.of(provider), false, "shared stack: " + name + " (-D" + PROPERTY + "=" + name
                + "); the fake OAuth endpoint stays in this JVM");
    }

    private static List<String> names(List<ServerProvider> providers) {
        List<String> names = new ArrayList<>();
        names.add(EMBEDDED);
        providers.forEach(p -> names.add(p.name()));
        return names;
    }

    /** Starts the chosen stack. */
    public LocalStack start() {
        return provider.map(p -> LocalStack.on(p.start())).orElseGet(LocalStack::start);
    }
}
