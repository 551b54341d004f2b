package io.mqttbridge.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The demo's PostgreSQL database: {@value #DATABASE} on the server at the configured URL when it answers (the
 * machine's own, by default), else on an embedded PostgreSQL started from Maven Central's binaries. The JDBC sink
 * writes into it; the demo counts rows in it.
 */
final class DemoDatabase implements AutoCloseable {
    /** The demo's own database, so that neither the demo nor its test touch anything else on a shared server. */
    static final String DATABASE = "mqtt_bridge_demo";

    private final EmbeddedPostgres embedded;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String description;

    private DemoDatabase(EmbeddedPostgres embedded, String jdbcUrl, String user, String password, String description) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.description = description;
    }

    /** Uses the server at {@code serverUrl} when it answers, else starts an embedded one; creates the database. */
    static DemoDatabase open(String serverUrl, String user, String password) {
        try (Connection ignored = connect(serverUrl, user, password)) {
            createDatabase(serverUrl, user, password);
            return new DemoDatabase(null, withDatabase(serverUrl), user, password,
                "PostgreSQL at " + serverUrl.replaceFirst("^jdbc:postgresql://", "").replaceFirst("/.*", ""));
        } catch (SQLException unreachable) {
            return startEmbedded(serverUrl, unreachable);
        }
    }

    private static DemoDatabase startEmbedded(String serverUrl, SQLException why) {
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            IllegalStateException failure = new IllegalStateException("No PostgreSQL at " + serverUrl + " ("
                + why.getMessage() + ") and the embedded one did not start: " + e.getMessage(), e);
            failure.addSuppressed(why);
            throw failure;
        }
        String server = postgres.getJdbcUrl("postgres", "postgres");
        try {
            createDatabase(server, "postgres", "");
        } catch (SQLException e) {
            closeQuietly(postgres);
            throw new IllegalStateException("Cannot create database " + DATABASE + " in the embedded PostgreSQL", e);
        }
        return new DemoDatabase(postgres, postgres.getJdbcUrl("postgres", DATABASE), "postgres", "",
            "embedded PostgreSQL on port " + postgres.getPort() + " (none answered at " + serverUrl + ")");
    }

    /** The JDBC URL of the demo's database, without credentials. */
    String jdbcUrl() {
        return jdbcUrl.replaceFirst("\\?.*$", "");
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** Which server, for the start-up message. */
    String description() {
        return description;
    }

    /** Drops the table, so a run starts empty. */
    void dropTable(String table) throws SQLException {
        try (Connection c = connect(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    /** Rows in the table; 0 before the sink created it. */
    long countRows(String table) throws SQLException {
        try (Connection c = connect(jdbcUrl, user, password)) {
            if (!tableExists(c, table)) {
                return 0;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Rows per sensor with distinct sequence numbers: {@code sensor -> count(DISTINCT seq)}. */
    Map<String, Long> distinctReadingsPerSensor(String table) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = connect(jdbcUrl, user, password)) {
            if (!tableExists(c, table)) {
                return counts;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT sensor, count(DISTINCT seq) FROM " + table + " GROUP BY sensor")) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    @Override
    public void close() {
        if (embedded != null) {
            closeQuietly(embedded);
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void createDatabase(String serverUrl, String user, String password) throws SQLException {
        try (Connection c = connect(serverUrl, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        if (!url.contains("user=")) {
            props.setProperty("user", user);
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, props);
    }

    /** {@code jdbc:postgresql://HOST:PORT/ANY?x} becomes {@code jdbc:postgresql://HOST:PORT/mqtt_bridge_demo?x}. */
    static String withDatabase(String serverUrl) {
        return serverUrl.replaceFirst("^(jdbc:postgresql://[^/?]+)(/[^?]*)?", "$1/" + DATABASE);
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop the embedded PostgreSQL", e);
        }
    }
}
