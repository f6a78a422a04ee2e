package dev.tokenwarden.stack.containers;

import java.util.Optional;

import dev.tokenwarden.stack.ExternalServers;
import dev.tokenwarden.stack.ServerProvider;

/**
 * {@code -Dtokenwarden.stack=containers}. Touches Testcontainers only after checking it is on the classpath:
 * this class is loaded wherever local-stack is (the demo too), Testcontainers only where a test run put it.
 */
public final class ContainerServerProvider implements ServerProvider {
    @Override
    public String name() {
        return "containers";
    }

    @Override
    public Optional<String> unavailableReason() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.of("Testcontainers is not on this classpath");
        }
        return EngineProbe.unavailableReason();
    }

    @Override
    public ExternalServers start() {
        return ContainerServers.start(ContainerImages.fromSystemProperties());
    }
}
