package dev.tokenwarden.store;

import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** {@code proxies} (sub2api's, read only): the proxy an account's token requests must go through. */
@RegisterConstructorMapper(AccountProxy.class)
public interface ProxyDao {

    /**
     * The live account's proxy, joined from the account id; empty when the account is gone. A {@code proxy_id}
     * naming no live proxy row reads as {@code found = false}, never as "no proxy".
     */
    @SqlQuery("""
            SELECT a.proxy_id                                   AS proxy_id,
                   (p.id IS NOT NULL)                           AS found,
                   p.protocol, p.host, p.port, p.username, p.password, p.status
              FROM accounts a
              LEFT JOIN proxies p ON p.id = a.proxy_id AND p.deleted_at IS NULL
             WHERE a.id = :accountId AND a.deleted_at IS NULL""")
    Optional<AccountProxy> forAccount(@Bind("accountId") long accountId);
}
