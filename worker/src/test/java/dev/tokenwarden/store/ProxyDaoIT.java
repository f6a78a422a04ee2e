package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;

class ProxyDaoIT {
    private static Jdbi jdbi;
    private static AccountStore store;

    @BeforeAll
    static void database() {
        LocalPostgres pg = SharedStack.get().postgres();
        DatabaseSettings db = new DatabaseSettings(pg.jdbcUrl(pg.createDatabase("proxy_dao")),
                pg.user(), pg.password());
        Migrations.apply(db);
        jdbi = AccountStore.jdbi(db);
        store = new AccountStore(jdbi);
    }

    @Test
    void shouldReadTheAccountsLiveProxyWithItsCredentials() {
        // Given
        long proxy = proxy("socks5", "active", false);
        long account = account(proxy, false);

        // When
        AccountProxy found = store.proxyOf(account);

        // Then
        assertEquals(new AccountProxy(proxy, true, "socks5", "127.0.0.1", 1080, "user", "pw", "active"), found);
        assertFalse(found.toString().contains("pw"), "no password in toString");
    }

    @Test
    void shouldReadNoProxyWhenTheAccountHasNone() {
        // Given
        long account = account(null, false);

        // When / Then
        assertEquals(AccountProxy.NONE, store.proxyOf(account));
    }

    @Test
    void shouldReadTheIdWithoutARowWhenTheProxyIsDeletedOrMissing() {
        // Given
        long deleted = proxy("http", "active", true);
        long withDeleted = account(deleted, false);
        long withMissing = account(987_654_321L, false);

        // When
        AccountProxy first = store.proxyOf(withDeleted);
        AccountProxy second = store.proxyOf(withMissing);

        // Then
        assertEquals(deleted, first.proxyId());
        assertFalse(first.found(), "a soft-deleted proxy is not there");
        assertEquals(987_654_321L, second.proxyId());
        assertFalse(second.found());
    }

    @Test
    void shouldReadTheStatusOfADisabledProxy() {
        // Given
        long proxy = proxy("http", "inactive", false);

        // When
        AccountProxy found = store.proxyOf(account(proxy, false));

        // Then
        assertTrue(found.found());
        assertFalse(found.active());
    }

    @Test
    void shouldReadNothingForADeletedAccount() {
        // Given
        long account = account(proxy("socks5", "active", false), true);

        // When / Then
        assertEquals(AccountProxy.NONE, store.proxyOf(account));
    }

    private static long proxy(String protocol, String status, boolean deleted) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO proxies (name, protocol, host, port, username, password,"
                + " status, deleted_at) VALUES ('p', :protocol, '127.0.0.1', 1080, 'user', 'pw', :status,"
                + " CASE WHEN :deleted THEN now() END) RETURNING id")
                .bind("protocol", protocol).bind("status", status).bind("deleted", deleted).mapTo(Long.class).one());
    }

    private static long account(Long proxyId, boolean deleted) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO accounts (platform, type, proxy_id, deleted_at)"
                + " VALUES ('anthropic', 'oauth', :proxy, CASE WHEN :deleted THEN now() END) RETURNING id")
                .bind("proxy", proxyId).bind("deleted", deleted).mapTo(Long.class).one());
    }
}
