package dev.tokenwarden.runtime;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.ConfigException;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.SchemaCheck;

/**
 * Whether the database has every table, column, index and privilege the worker uses. A database that answers and
 * lacks any of them stops the start, naming each and {@code tokenwarden migrate}: a worker started on a sub2api
 * database without {@code migrate} otherwise runs until its first fence claim and then fails every refresh. A
 * database that does not answer at start is checked again by readiness, which stays DOWN until it is complete.
 */
final class DatabaseSchema {
    private static final Logger log = LoggerFactory.getLogger(DatabaseSchema.class);

    private final AccountStore store;
    private volatile boolean complete;

    private DatabaseSchema(AccountStore store) {
        this.store = store;
    }

    /** @throws ConfigException naming what is missing; the store is closed then */
    static DatabaseSchema requireAtStart(AccountStore store) {
        DatabaseSchema schema = new DatabaseSchema(store);
        try {
            store.requireSchema();
            schema.complete = true;
        } catch (SchemaCheck.IncompleteSchemaException e) {
            store.close();
            throw new ConfigException(List.of("database: " + e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("database: the schema could not be checked at start ({}); readiness stays DOWN until the"
                    + " database answers and has what the worker uses", e.getClass().getSimpleName());
        }
        return schema;
    }

    /** The database answers and has everything; once found complete, only whether it answers is asked. */
    boolean ready() {
        if (!store.answers()) {
            return false;
        }
        if (!complete) {
            try {
                List<String> missing = store.missingSchema();
                complete = missing.isEmpty();
                if (!complete) {
                    log.error("database: lacks {}; run tokenwarden migrate", String.join(", ", missing));
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return complete;
    }
}
