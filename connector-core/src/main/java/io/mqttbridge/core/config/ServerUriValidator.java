package io.mqttbridge.core.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Validates {@code mqtt.server.uris}: at least one entry, each {@code tcp://}, {@code ssl://}, {@code ws://} or
 * {@code wss://} with a host and a port. The message names the bad entry and says why.
 */
public final class ServerUriValidator implements ConfigDef.Validator {

    /** The accepted URI schemes. */
    public static final List<String> SCHEMES = List.of("tcp", "ssl", "ws", "wss");

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return; // a missing required key is reported by ConfigDef itself
        }
        List<?> uris = (List<?>) value;
        if (uris.isEmpty()) {
            throw new ConfigException(name, value, "at least one broker URI is required, e.g. tcp://broker:1883");
        }
        for (Object entry : uris) {
            String problem = problem(String.valueOf(entry));
            if (problem != null) {
                throw new ConfigException(name, value, "entry '" + entry + "' " + problem);
            }
        }
        List<String> strings = uris.stream().map(String::valueOf).toList();
        boolean tls = MqttConnectionConfig.usesTls(strings);
        if (tls && !strings.stream().allMatch(u -> MqttConnectionConfig.usesTls(List.of(u)))) {
            throw new ConfigException(name, value, "mixes TLS (ssl://, wss://) and plain (tcp://, ws://) URIs; "
                + "all brokers of one connector must use the same kind");
        }
    }

    /** Why {@code uri} is not an acceptable broker URI, or null if it is. */
    public static String problem(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri.trim());
        } catch (URISyntaxException e) {
            return "is not a URI (" + e.getReason() + "); expected e.g. tcp://broker:1883 or ssl://broker:8883";
        }
        String scheme = parsed.getScheme();
        if (scheme == null || !SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
            return "has " + (scheme == null ? "no scheme" : "scheme '" + scheme + "'")
                + "; expected tcp://, ssl://, ws:// or wss://, e.g. tcp://broker:1883";
        }
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            return "has no host; expected " + scheme + "://host:port";
        }
        if (parsed.getPort() < 1) {
            return "has no port; expected " + scheme + "://" + parsed.getHost() + ":PORT (e.g. 1883 for tcp, "
                + "8883 for ssl)";
        }
        return null;
    }

    @Override
    public String toString() {
        return "non-empty list of tcp://host:port, ssl://host:port, ws://host:port[/path] or wss://host:port[/path]";
    }
}
