package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-proxy client cache: bounded, least recently used evicted, everything stopped on close. */
class HttpTransportTest {
    private static final URI NOWHERE = URI.create("http://127.0.0.1:9/token");

    @Test
    void shouldEvictTheLeastRecentlyUsedProxyClientWhenTheCacheIsFull() throws Exception {
        // Given
        ProxyEndpoint first = proxy(1);
        ProxyEndpoint second = proxy(2);
        ProxyEndpoint third = proxy(3);
        try (HttpTransport transport = new HttpTransport(Duration.ofSeconds(1), 2)) {
            post(transport, first);
            post(transport, second);
            post(transport, first);

            // When
            post(transport, third);

            // Then
            assertEquals(2, transport.proxyClients());
            assertTrue(transport.cached(first), "recently used");
            assertFalse(transport.cached(second), "least recently used, evicted");
            assertTrue(transport.cached(third));
        }
    }

    @Test
    void shouldFailEveryRequestAfterClose() throws Exception {
        // Given
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(1), 2);
        post(transport, proxy(1));

        // When
        transport.close();

        // Then
        assertEquals(0, transport.proxyClients());
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> transport.post(NOWHERE, "application/json", "{}", Duration.ofSeconds(1), proxy(4))
                        .get(5, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof HttpTransport.NoAnswer);
    }

    /** Through a proxy on a closed port: fails fast, but creates the proxy's client. */
    private static void post(HttpTransport transport, ProxyEndpoint proxy) throws Exception {
        try {
            transport.post(NOWHERE, "application/json", "{}", Duration.ofSeconds(2), proxy).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // nobody listens; only the cache matters here
        }
    }

    private static ProxyEndpoint proxy(int id) {
        return new ProxyEndpoint(id, "socks5", "127.0.0.1", 9, "user", "pw-" + id);
    }
}
