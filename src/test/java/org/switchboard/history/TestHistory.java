package org.switchboard.history;

import org.h2.jdbcx.JdbcDataSource;
import org.switchboard.config.HubSettings;

import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** History for unit tests: stores on in-memory H2 databases (the engine Payara's default DataSource runs), wired by hand. */
public final class TestHistory {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private TestHistory() {
    }

    /** A migrated store on an in-memory H2 database of its own. */
    public static JdbcHistoryStore h2Store() {
        return new JdbcHistoryStore(h2DataSource(), 2);
    }

    public static JdbcDataSource h2DataSource() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:history-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        return dataSource;
    }

    /** A started history service on {@code store}. */
    public static HistoryService service(HubSettings settings, HistoryStore store) {
        HistoryService service = new HistoryService();
        service.settings = settings;
        service.start(store, Executors.defaultThreadFactory());
        return service;
    }
}
