package org.switchboard.history;

import org.h2.jdbcx.JdbcDataSource;
import org.switchboard.config.HubSettings;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** A store on {@code dataSource} (not migrated yet: that happens on first use). */
    public static JdbcHistoryStore store(DataSource dataSource) {
        return new JdbcHistoryStore(dataSource, 2);
    }

    /** A switchable DataSource in front of a fresh in-memory H2 database. */
    public static SwitchableDataSource switchableH2() {
        return new SwitchableDataSource(h2DataSource());
    }

    /**
     * A real DataSource in front of another one that can be taken {@link #down} and brought back
     * {@link #up}: while down, every new connection fails the way an unreachable server does
     * (SQLState 08001). The database behind it keeps its data, as a restarted server would.
     */
    public static final class SwitchableDataSource implements DataSource {
        private final DataSource target;
        private volatile boolean down;
        private final List<String> prepared = new CopyOnWriteArrayList<>();

        /** The SQL of every statement prepared through this DataSource, in order. */
        public List<String> prepared() {
            return prepared;
        }

        private Connection recording(Connection connection) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                            prepared.add(sql);
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        public SwitchableDataSource(DataSource target) {
            this.target = target;
        }

        public void down() {
            down = true;
        }

        public void up() {
            down = false;
        }

        private void check() throws SQLException {
            if (down) {
                throw new SQLTransientConnectionException("database unreachable (test)", "08001");
            }
        }

        @Override
        public Connection getConnection() throws SQLException {
            check();
            return recording(target.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            check();
            return recording(target.getConnection(username, password));
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return target.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            target.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            target.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new SQLException("not a wrapper of " + type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return type.isInstance(this);
        }
    }
}
