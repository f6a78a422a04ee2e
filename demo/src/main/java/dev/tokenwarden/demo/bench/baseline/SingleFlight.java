package dev.tokenwarden.demo.bench.baseline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Go's {@code singleflight.Group}: concurrent calls with one key share the leader's result; once it is done
 * the key is free again, so a later call runs anew.
 */
final class SingleFlight<V> {
    interface Work<V> {
        V run() throws Exception;
    }

    private final ConcurrentHashMap<String, CompletableFuture<V>> flights = new ConcurrentHashMap<>();

    V run(String key, Work<V> work) throws Exception {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> flight = flights.putIfAbsent(key, mine);
        if (flight != null) {
            try {
                return flight.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
        }
        try {
            V v = work.run();
            mine.complete(v);
            return v;
        } catch (Exception e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            flights.remove(key, mine);
        }
    }
}
