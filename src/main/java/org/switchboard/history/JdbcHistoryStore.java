package org.switchboard.history;

import org.flywaydb.core.Flyway;
import org.switchboard.bus.HubEvent;
import org.switchboard.protocol.Member;
import org.switchboard.protocol.Position;
import org.switchboard.protocol.StoredMessage;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The history store on a container DataSource: H2 (Payara's default DataSource) on a single
 * server, PostgreSQL for a cluster. The schema comes from Flyway migrations in
 * {@code db/migration}, applied at start — or, if the database is down then, on first use.
 * A failure marks the store unavailable for a second, so callers fail fast while it is down and
 * one call a second finds out whether it came back.
 */
public final class JdbcHistoryStore implements HistoryStore {

    private static final Logger LOG = Logger.getLogger(JdbcHistoryStore.class.getName());
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Channels one pruning run looks at besides those appended to since the last: each run goes on
     * where the last stopped, so a run costs the same with 100 channels or a million, and an age
     * limit on a channel nobody writes to any more is applied within one sweep of all of them.
     */
    static final int SWEEP_CHANNELS = 256;

    private final DataSource dataSource;
    private final int statementTimeoutSeconds;
    private volatile boolean migrated;
    private volatile long downUntilNanos;
    private volatile boolean down;
    /** Channels appended to since they were last pruned: the only ones that can exceed a count limit. */
    private final Set<String> appended = ConcurrentHashMap.newKeySet();
    /** Where the next pruning run goes on sweeping the other channels (for age limits); "" from the start. */
    private String sweepCursor = "";

    public JdbcHistoryStore(DataSource dataSource, int statementTimeoutSeconds) {
        this.dataSource = dataSource;
        this.statementTimeoutSeconds = statementTimeoutSeconds;
    }

    /** Applies the schema migrations; false (logged) when the database cannot be reached now. */
    public boolean migrate() {
        try {
            Flyway.configure(getClass().getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .table("sb_schema_history")
                    .load()
                    .migrate();
            migrated = true;
            return true;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    @Override
    public boolean isAvailable() {
        return !down || System.nanoTime() - downUntilNanos > 0;
    }

    @Override
    public boolean isUp() {
        return !down;
    }

    @Override
    public void probe() {
        boolean wasDown = down;
        try {
            query(c -> {
                try (PreparedStatement q = prepare(c, "SELECT token FROM sb_sequencer WHERE id = 1");
                     ResultSet rs = q.executeQuery()) {
                    return rs.next();
                }
            });
            if (wasDown) {
                LOG.info("history store reachable again");
            }
        } catch (HistoryUnavailable e) {
            LOG.log(Level.FINE, "history store still unavailable", e);
        }
    }

    @Override
    public long takeFence(String holder) {
        return inTransaction(c -> {
            try (PreparedStatement up = prepare(c, 
                    "UPDATE sb_sequencer SET token = token + 1, holder = ?, since_ms = ? WHERE id = 1")) {
                up.setString(1, holder);
                up.setLong(2, System.currentTimeMillis());
                up.executeUpdate();
            }
            try (PreparedStatement q = prepare(c, "SELECT token FROM sb_sequencer WHERE id = 1");
                 ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Position last(String channel) {
        return query(c -> {
            try (PreparedStatement q = prepare(c, 
                    "SELECT ch.epoch, ch.pruned_seq, (SELECT MAX(m.seq) FROM sb_message m WHERE m.channel = ch.channel)"
                            + " FROM sb_channel ch WHERE ch.channel = ?")) {
                q.setString(1, channel);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return new Position(rs.getLong(1), Math.max(rs.getLong(2), rs.getLong(3)));
                }
            }
        });
    }

    @Override
    public void append(long fence, Map<String, Long> newChannels, List<HubEvent> numbered) {
        inTransaction(c -> {
            try (PreparedStatement check = prepare(c, 
                    "UPDATE sb_sequencer SET since_ms = since_ms WHERE id = 1 AND token = ?")) {
                check.setLong(1, fence);
                if (check.executeUpdate() != 1) {
                    throw new Fenced("another member took over numbering (fence " + fence + " is stale)");
                }
            }
            if (!newChannels.isEmpty()) {
                try (PreparedStatement ins = prepare(c, 
                        "INSERT INTO sb_channel (channel, epoch, pruned_seq, created_ms) VALUES (?, ?, 0, ?)")) {
                    long now = System.currentTimeMillis();
                    for (Map.Entry<String, Long> created : newChannels.entrySet()) {
                        ins.setString(1, created.getKey());
                        ins.setLong(2, created.getValue());
                        ins.setLong(3, now);
                        ins.addBatch();
                    }
                    ins.executeBatch();
                }
            }
            try (PreparedStatement ins = prepare(c, "INSERT INTO sb_message"
                    + " (channel, seq, epoch, ts, sender_connection, sender_name, pub_key, data, sender_user)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (HubEvent e : numbered) {
                    ins.setString(1, e.channel());
                    ins.setLong(2, e.seq());
                    ins.setLong(3, e.epoch());
                    ins.setLong(4, e.ts());
                    ins.setString(5, e.from().connection());
                    ins.setString(6, e.from().name());
                    ins.setString(7, e.publicationKey());
                    ins.setString(8, e.dataJson());
                    ins.setString(9, e.from().user());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
        for (HubEvent e : numbered) {
            appended.add(e.channel());
        }
    }

    @Override
    public Map<String, Position> positionsOf(String channel, Collection<String> publicationKeys) {
        if (publicationKeys.isEmpty()) {
            return Map.of();
        }
        return query(c -> {
            Map<String, Position> found = new HashMap<>();
            try (PreparedStatement q = prepare(c, 
                    "SELECT epoch, seq FROM sb_message WHERE channel = ? AND pub_key = ?")) {
                for (String key : publicationKeys) {
                    q.setString(1, channel);
                    q.setString(2, key);
                    try (ResultSet rs = q.executeQuery()) {
                        if (rs.next()) {
                            found.put(key, new Position(rs.getLong(1), rs.getLong(2)));
                        }
                    }
                }
            }
            return found;
        });
    }

    @Override
    public ChannelHistory describe(String channel) {
        return query(c -> {
            try (PreparedStatement q = prepare(c, "SELECT ch.epoch, ch.pruned_seq,"
                    + " (SELECT MIN(m.seq) FROM sb_message m WHERE m.channel = ch.channel),"
                    + " (SELECT MAX(m.seq) FROM sb_message m WHERE m.channel = ch.channel)"
                    + " FROM sb_channel ch WHERE ch.channel = ?")) {
                q.setString(1, channel);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    long pruned = rs.getLong(2);
                    long min = rs.getLong(3);
                    boolean empty = rs.wasNull();
                    long max = rs.getLong(4);
                    long latest = Math.max(pruned, max);
                    return new ChannelHistory(rs.getLong(1), empty ? latest + 1 : min, latest);
                }
            }
        });
    }

    @Override
    public List<StoredMessage> after(String channel, long afterSeq, int limit) {
        return page("SELECT epoch, seq, ts, sender_connection, sender_name, data, sender_user FROM sb_message"
                + " WHERE channel = ? AND seq > ? ORDER BY seq ASC LIMIT ?", channel, afterSeq, limit, false);
    }

    @Override
    public List<StoredMessage> before(String channel, long beforeSeq, int limit) {
        return page("SELECT epoch, seq, ts, sender_connection, sender_name, data, sender_user FROM sb_message"
                + " WHERE channel = ? AND seq < ? ORDER BY seq DESC LIMIT ?", channel, beforeSeq, limit, true);
    }

    /**
     * The row limit is in the SQL, not {@code setMaxRows}: a pooled statement cache hands the same
     * statement to the next caller, and a limit kept on the statement could cut that caller's page short.
     */
    private List<StoredMessage> page(String sql, String channel, long seq, int limit, boolean reverse) {
        return query(c -> {
            List<StoredMessage> messages = new ArrayList<>(Math.min(limit, 1024));
            try (PreparedStatement q = prepare(c, sql)) {
                q.setString(1, channel);
                q.setLong(2, seq);
                q.setInt(3, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        messages.add(new StoredMessage(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                                new Member(rs.getString(4), rs.getString(5), rs.getString(7)), rs.getString(6)));
                    }
                }
            }
            if (reverse) {
                Collections.reverse(messages);
            }
            return messages;
        });
    }

    @Override
    public synchronized int prune(Retention retention, long nowMs, int maxRows) {
        Set<String> channels = new LinkedHashSet<>();
        for (Iterator<String> it = appended.iterator(); it.hasNext(); ) {
            channels.add(it.next());
            it.remove();
        }
        try {
            String from = sweepCursor;
            List<String> swept = query(c -> {
                List<String> names = new ArrayList<>();
                try (PreparedStatement q = prepare(c, "SELECT channel FROM sb_channel WHERE channel > ? ORDER BY channel LIMIT ?")) {
                    q.setString(1, from);
                    q.setInt(2, SWEEP_CHANNELS);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            names.add(rs.getString(1));
                        }
                    }
                }
                return names;
            });
            sweepCursor = swept.size() < SWEEP_CHANNELS ? "" : swept.get(swept.size() - 1);
            channels.addAll(swept);
        } catch (RuntimeException e) {
            appended.addAll(channels);
            throw e;
        }
        int removed = 0;
        List<String> left = new ArrayList<>(channels);
        try {
            while (!left.isEmpty() && removed < maxRows) {
                String channel = left.get(0);
                Retention.Rule rule = retention.of(channel);
                int budget = maxRows - removed;
                removed += inTransaction(c -> pruneChannel(c, channel, rule, nowMs, budget));
                if (removed < maxRows) {
                    left.remove(0);
                }
            }
        } finally {
            appended.addAll(left);
        }
        return removed;
    }

    /** Deletes the channel's oldest messages beyond its rule (all of them if it became live-only), at most {@code budget}. */
    private int pruneChannel(Connection c, String channel, Retention.Rule rule, long nowMs, int budget) throws SQLException {
        long min;
        long max;
        try (PreparedStatement q = prepare(c, "SELECT MIN(seq), MAX(seq) FROM sb_message WHERE channel = ?")) {
            q.setString(1, channel);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                min = rs.getLong(1);
                if (rs.wasNull()) {
                    return 0;
                }
                max = rs.getLong(2);
            }
        }
        long cutoff = rule == null ? max : max - rule.maxMessages();
        if (rule != null) {
            try (PreparedStatement q = prepare(c, "SELECT MAX(seq) FROM sb_message WHERE channel = ? AND ts < ?")) {
                q.setString(1, channel);
                q.setLong(2, nowMs - rule.maxAgeMs());
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    long aged = rs.getLong(1);
                    if (!rs.wasNull()) {
                        cutoff = Math.max(cutoff, aged);
                    }
                }
            }
        }
        cutoff = Math.min(cutoff, min + budget - 1);
        if (cutoff < min) {
            return 0;
        }
        try (PreparedStatement up = prepare(c, 
                "UPDATE sb_channel SET pruned_seq = ? WHERE channel = ? AND pruned_seq < ?")) {
            up.setLong(1, max);
            up.setString(2, channel);
            up.setLong(3, max);
            up.executeUpdate();
        }
        try (PreparedStatement del = prepare(c, "DELETE FROM sb_message WHERE channel = ? AND seq <= ?")) {
            del.setString(1, channel);
            del.setLong(2, cutoff);
            return del.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Every statement gets the timeout, so a database that hangs fails the caller instead of holding it. */
    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        statement.setQueryTimeout(statementTimeoutSeconds);
        return statement;
    }

    private <T> T query(Work<T> work) {
        return run(work, false);
    }

    private <T> T inTransaction(Work<T> work) {
        return run(work, true);
    }

    private <T> T run(Work<T> work, boolean transaction) {
        if (!migrated && !migrate()) {
            throw new HistoryUnavailable("history store not reachable (schema not migrated)", null);
        }
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            if (transaction) {
                c.setAutoCommit(false);
            }
            try {
                T result = work.run(c);
                if (transaction) {
                    c.commit();
                }
                down = false;
                return result;
            } catch (SQLException | RuntimeException e) {
                if (transaction) {
                    rollbackQuietly(c);
                }
                throw e;
            } finally {
                if (transaction) {
                    c.setAutoCommit(auto);
                }
            }
        } catch (Fenced e) {
            throw e;
        } catch (SQLException e) {
            if (isDuplicateKey(e)) {
                throw new DuplicateKey(e);
            }
            failed(e);
            throw new HistoryUnavailable("history store failed: " + e.getMessage(), e);
        } catch (HistoryUnavailable e) {
            throw e;
        } catch (RuntimeException e) {
            failed(e);
            throw new HistoryUnavailable("history store failed: " + e, e);
        }
    }

    private static boolean isDuplicateKey(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if ("23505".equals(s.getSQLState()) || s instanceof java.sql.SQLIntegrityConstraintViolationException) {
                return true;
            }
            if (s.getCause() instanceof SQLException cause && "23505".equals(cause.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private void failed(Exception e) {
        if (!down) {
            LOG.log(Level.WARNING, "history store unavailable: " + e);
        }
        down = true;
        downUntilNanos = System.nanoTime() + RETRY_NANOS;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.log(Level.FINE, "rollback failed", e);
        }
    }
}
