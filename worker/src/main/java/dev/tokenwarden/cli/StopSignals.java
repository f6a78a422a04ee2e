package dev.tokenwarden.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * SIGTERM and SIGINT as a request to stop, so that a command closes in order instead of the JVM exiting
 * under it. The JDK has no public API for this; {@code sun.misc.Signal} (module jdk.unsupported) is
 * looked up reflectively because naming it draws a proprietary-API warning that javac cannot suppress,
 * and the build compiles with {@code -Werror}.
 */
public final class StopSignals {

    private static final List<String> NAMES = List.of("TERM", "INT");

    private StopSignals() {}

    /** Runs {@code onStop} on the JVM's signal thread each time TERM or INT arrives. */
    public static void onStop(Runnable onStop) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Method handle = signal.getMethod("handle", signal, handlerType);
            InvocationHandler calls = (proxy, method, args) -> switch (method.getName()) {
                case "handle" -> {
                    onStop.run();
                    yield null;
                }
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "StopSignals";
            };
            Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType}, calls);
            for (String name : NAMES) {
                handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIGTERM/SIGINT on this JVM", e);
        }
    }
}
