package dev.tokenwarden.stack.containers;

import java.util.Optional;

import org.testcontainers.DockerClientFactory;

/** Whether a Docker-compatible engine answers Testcontainers here (DOCKER_HOST, the default socket, ...). */
final class EngineProbe {
    private EngineProbe() {
    }

    static Optional<String> unavailableReason() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.empty();
        }
        String host = System.getenv("DOCKER_HOST");
        return Optional.of("no container engine answered Testcontainers ("
                + (host == null || host.isBlank() ? "DOCKER_HOST unset" : "DOCKER_HOST=" + host) + ")");
    }
}
