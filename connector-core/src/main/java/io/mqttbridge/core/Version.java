package io.mqttbridge.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The plugin's own version, read from a resource Maven writes at build time. Connectors return it from
 * {@code version()} instead of Kafka's {@code AppInfoParser}, which moved to an internal package in Kafka 4.4.
 */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    /** The version, e.g. {@code 0.1.0}, or {@code unknown} if the resource is missing. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/mqtt-cloud-bridge-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version", "unknown").trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
