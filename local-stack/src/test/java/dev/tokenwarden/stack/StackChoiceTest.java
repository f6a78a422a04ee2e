package dev.tokenwarden.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class StackChoiceTest {
    /** A provider whose engine answers or not, as told; starting it is never part of the decision. */
    private record Provider(String name, Optional<String> unavailableReason) implements ServerProvider {
        @Override
        public ExternalServers start() {
            throw new AssertionError("the decision must not start anything");
        }
    }

    private static final ServerProvider ENGINE_ANSWERS = new Provider("containers", Optional.empty());
    private static final ServerProvider NO_ENGINE = new Provider("containers",
            Optional.of("no container engine answered Testcontainers (DOCKER_HOST=unix:///nowhere.sock)"));

    @Test
    void shouldChooseTheEmbeddedStackWhenNothingOrEmbeddedIsAsked() {
        for (String requested : new String[] {null, "", "  ", "embedded", "Embedded"}) {
            // When
            StackChoice choice = StackChoice.decide(requested, List.of(ENGINE_ANSWERS));

            // Then
            assertTrue(choice.provider().isEmpty(), "asked: " + requested);
            assertFalse(choice.fellBack(), "asked: " + requested);
        }
    }

    @Test
    void shouldNotAskTheEngineWhenTheEmbeddedStackIsAsked() {
        // Given: probing Docker costs seconds and logs errors on machines without it
        ServerProvider probeFails = new ServerProvider() {
            @Override
            public String name() {
                return "containers";
            }

            @Override
            public Optional<String> unavailableReason() {
                throw new AssertionError("probed the engine for an embedded run");
            }

            @Override
            public ExternalServers start() {
                throw new AssertionError("started containers for an embedded run");
            }
        };

        // When
        StackChoice choice = StackChoice.decide(null, List.of(probeFails));

        // Then
        assertTrue(choice.provider().isEmpty());
    }

    @Test
    void shouldChooseTheContainersWhenAskedAndAnEngineAnswers() {
        // When
        StackChoice choice = StackChoice.decide("containers", List.of(ENGINE_ANSWERS));

        // Then
        assertSame(ENGINE_ANSWERS, choice.provider().orElseThrow());
        assertFalse(choice.fellBack());
        assertTrue(choice.message().startsWith("shared stack: containers"), choice.message());
    }

    @Test
    void shouldFallBackToTheEmbeddedStackAndSayWhyWhenNoEngineAnswers() {
        // When
        StackChoice choice = StackChoice.decide("containers", List.of(NO_ENGINE));

        // Then: the tests still run, on real embedded servers, and the log says containers were not used and why
        assertTrue(choice.provider().isEmpty());
        assertTrue(choice.fellBack());
        assertTrue(choice.message().contains(StackChoice.FALLBACK_MARK), choice.message());
        assertTrue(choice.message().contains("DOCKER_HOST=unix:///nowhere.sock"), choice.message());
        assertTrue(choice.message().contains("-Dtokenwarden.stack=containers"), choice.message());
    }

    @Test
    void shouldRejectAnUnknownStackNamingThePropertyAndTheChoices() {
        // When
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackChoice.decide("docker", List.of(ENGINE_ANSWERS)));

        // Then
        assertEquals("-Dtokenwarden.stack must be one of [embedded, containers], not 'docker'", e.getMessage());
    }
}
