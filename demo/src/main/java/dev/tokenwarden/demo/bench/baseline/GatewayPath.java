package dev.tokenwarden.demo.bench.baseline;

import java.sql.Connection;

/** What one gateway does with one event (an expiring token seen, or a 401), on its thread's connections. */
interface GatewayPath {
    void handle(Connection db, Resp redis, long accountId) throws Exception;
}
