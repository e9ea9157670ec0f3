package org.latentlab.server.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Job records and registered model folders in an embedded, file-backed H2 database. H2 writes
 * through its transaction log, so a kill -9 loses no committed record; on start, jobs that were
 * queued or running are marked interrupted.
 */
final class JobStore implements AutoCloseable {

    /** One job as stored. */
    record JobRecord(String id, Instant created, String status, String request, String message, Instant finished,
            String outDir, String summary) {}

    private final JdbcDataSource ds;
    private final Connection keepOpen; // keeps the database open (and its file lock held) while the server runs

    JobStore(Path file) throws SQLException {
        ds = new JdbcDataSource();
        // WRITE_DELAY=0: every commit reaches the file before the call returns, so kill -9 loses nothing committed
        ds.setURL("jdbc:h2:file:" + file.toAbsolutePath() + ";DB_CLOSE_DELAY=-1;WRITE_DELAY=0");
        keepOpen = ds.getConnection();
        try (Statement s = keepOpen.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS jobs (id VARCHAR(64) PRIMARY KEY, created TIMESTAMP NOT NULL, "
                    + "status VARCHAR(16) NOT NULL, request CLOB NOT NULL, message VARCHAR(4000), finished TIMESTAMP, "
                    + "out_dir VARCHAR(1024) NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS models (name VARCHAR(200) PRIMARY KEY, path VARCHAR(1024) NOT NULL)");
            s.execute("ALTER TABLE jobs ADD COLUMN IF NOT EXISTS summary CLOB");
        } catch (SQLException e) {
            close(); // DB_CLOSE_DELAY=-1 would keep a half-opened database (and its file) open in this process
            throw e;
        }
    }

    /** Reads every record once, so a damaged file is found at start, not in the middle of serving. */
    synchronized int verify() throws SQLException {
        int n = 0;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT * FROM jobs")) {
                n += read(rs).size();
            }
            try (ResultSet rs = s.executeQuery("SELECT name, path FROM models")) {
                while (rs.next()) {
                    rs.getString(2);
                }
            }
        }
        return n;
    }

    synchronized int markInterrupted() throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(
                "UPDATE jobs SET status = ?, message = 'the server stopped while this job was queued or running', "
                        + "finished = ? WHERE status IN (?, ?)")) {
            p.setString(1, JobRecordStatus.INTERRUPTED.name());
            p.setTimestamp(2, Timestamp.from(Instant.now()));
            p.setString(3, JobRecordStatus.QUEUED.name());
            p.setString(4, JobRecordStatus.RUNNING.name());
            return p.executeUpdate();
        }
    }

    synchronized void insert(JobRecord r) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO jobs (id, created, status, request, message, finished, out_dir, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, r.id());
            p.setTimestamp(2, Timestamp.from(r.created()));
            p.setString(3, r.status());
            p.setString(4, r.request());
            p.setString(5, r.message());
            p.setTimestamp(6, r.finished() == null ? null : Timestamp.from(r.finished()));
            p.setString(7, r.outDir());
            p.setString(8, r.summary());
            p.executeUpdate();
        }
    }

    /** QUEUED -> RUNNING only: never overwrites a status the job reached meanwhile. */
    synchronized void markRunning(String id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(
                "UPDATE jobs SET status = 'RUNNING' WHERE id = ? AND status = 'QUEUED'")) {
            p.setString(1, id);
            p.executeUpdate();
        }
    }

    synchronized void finish(String id, String status, String message, String summary) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(
                "UPDATE jobs SET status = ?, message = ?, finished = ?, summary = ? WHERE id = ?")) {
            p.setString(1, status);
            p.setString(2, message == null ? null : message.length() > 3900 ? message.substring(0, 3900) : message);
            p.setTimestamp(3, Timestamp.from(Instant.now()));
            p.setString(4, summary);
            p.setString(5, id);
            p.executeUpdate();
        }
    }

    synchronized void delete(String id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement("DELETE FROM jobs WHERE id = ?")) {
            p.setString(1, id);
            p.executeUpdate();
        }
    }

    synchronized List<JobRecord> list(int limit) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT * FROM jobs ORDER BY created DESC, id DESC LIMIT ?")) {
            p.setInt(1, limit);
            return read(p.executeQuery());
        }
    }

    synchronized Optional<JobRecord> get(String id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement("SELECT * FROM jobs WHERE id = ?")) {
            p.setString(1, id);
            List<JobRecord> r = read(p.executeQuery());
            return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
        }
    }

    synchronized void putModel(String name, String path) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement("MERGE INTO models KEY (name) VALUES (?, ?)")) {
            p.setString(1, name);
            p.setString(2, path);
            p.executeUpdate();
        }
    }

    synchronized Map<String, String> models() throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name, path FROM models ORDER BY name")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static List<JobRecord> read(ResultSet rs) throws SQLException {
        List<JobRecord> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                Timestamp f = rs.getTimestamp("finished");
                out.add(new JobRecord(rs.getString("id"), rs.getTimestamp("created").toInstant(), rs.getString("status"),
                        rs.getString("request"), rs.getString("message"), f == null ? null : f.toInstant(), rs.getString("out_dir"),
                        rs.getString("summary")));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() throws SQLException {
        try (Statement s = keepOpen.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException ignored) {
            // already closed
        }
        keepOpen.close();
    }
}
