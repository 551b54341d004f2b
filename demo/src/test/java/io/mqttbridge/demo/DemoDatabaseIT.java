package io.mqttbridge.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's database on a machine without a PostgreSQL server: an embedded one starts (binaries from Maven
 * Central), holds the demo's own database, and counts rows.
 */
class DemoDatabaseIT {
    @Test
    void withoutAServerAnEmbeddedPostgresHoldsTheDemoDatabase() throws Exception {
        // port 1 answers nothing here
        try (DemoDatabase database = DemoDatabase.open("jdbc:postgresql://127.0.0.1:1/postgres", "postgres", "")) {
            assertTrue(database.description().startsWith("embedded PostgreSQL"), database.description());
            assertTrue(database.jdbcUrl().endsWith("/" + DemoDatabase.DATABASE), database.jdbcUrl());
            assertEquals(0, database.countRows("plant_telemetry"), "no table yet: no rows");
            database.dropTable("plant_telemetry");
        }
    }
}
