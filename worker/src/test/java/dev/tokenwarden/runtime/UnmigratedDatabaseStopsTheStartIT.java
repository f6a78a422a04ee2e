package dev.tokenwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.config.ConfigException;

/**
 * A worker started on a database that lacks what it uses (here the fence table, as on a sub2api database nobody ran
 * {@code tokenwarden migrate} on) stops at start, naming what is missing and the remedy, instead of running until its
 * first refresh and failing every one after it.
 */
class UnmigratedDatabaseStopsTheStartIT {

    @Test
    void shouldRefuseToStartNamingTheMissingTableAndMigrateWhenTheFenceTableIsMissing() {
        // Given a database without the worker's fence table
        Map<String, String> settings = TestWorkers.isolatedSettings("unmigrated");
        new TestAccounts(settings).execute("DROP TABLE tokenwarden_refresh_fence");

        // When the worker starts
        ConfigException e = assertThrows(ConfigException.class,
                () -> Worker.start(TestWorkers.workerConfig(settings)).close());

        // Then it names the table and the command that creates it
        assertTrue(e.getMessage().contains("tokenwarden_refresh_fence"), e.getMessage());
        assertTrue(e.getMessage().contains("tokenwarden migrate"), e.getMessage());
    }
}
