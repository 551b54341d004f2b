package io.mqttbridge.core.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Validates that an optional file location, when set, names a readable regular file. */
public final class ReadableFileValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || value.toString().isBlank()) {
            return;
        }
        String location = value.toString().trim();
        Path path;
        try {
            path = Path.of(location);
        } catch (InvalidPathException e) {
            throw new ConfigException(name, value, "'" + location + "' is not a valid file path: " + e.getReason());
        }
        if (!Files.exists(path)) {
            throw new ConfigException(name, value, "file " + path.toAbsolutePath()
                + " does not exist on this worker; give the path of a readable file, or leave " + name + " empty");
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(name, value, path.toAbsolutePath() + " is not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw new ConfigException(name, value, "file " + path.toAbsolutePath()
                + " is not readable by the Connect worker's user");
        }
    }

    @Override
    public String toString() {
        return "path of a readable file, or empty";
    }
}
