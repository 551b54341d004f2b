package io.mqttbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the README's "Broker interoperability" table in step with the suite's results. Once every broker suite has
 * written its results, the table rendered from them must equal the README's; {@code -Dinterop.readme.update=true}
 * rewrites the README instead. Regenerate with
 * {@code mvn verify -pl interop-tests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dinterop.readme.update=true}.
 */
final class InteropReadme {

    private static final Logger log = LoggerFactory.getLogger(InteropReadme.class);
    /** The result ids of the four broker suites; the check waits until all have run. */
    static final Set<String> ALL_BROKERS = Set.of(MosquittoInteropIT.ID, HiveMqInteropIT.ID, MoquetteInteropIT.ID,
        RabbitMqInteropIT.ID);

    private InteropReadme() {
    }

    static Path resultsDir() {
        return Path.of(System.getProperty("interop.results.dir", "target/interop-results"));
    }

    static Path readme() {
        return Path.of(System.getProperty("interop.readme", "../README.md"));
    }

    /** Checks (or with {@code interop.readme.update} rewrites) the README table once all brokers have results. */
    static void checkOrUpdate() {
        List<BrokerResults> results = BrokerResults.readAll(resultsDir());
        Set<String> present = results.stream().map(BrokerResults::id).collect(Collectors.toSet());
        String table = InteropTable.render(results);
        try {
            String current = Files.readString(readme(), StandardCharsets.UTF_8);
            String wanted = InteropTable.replaceSection(current, table);
            if (Boolean.getBoolean("interop.readme.update")) {
                Files.writeString(readme(), wanted, StandardCharsets.UTF_8);
                log.info("Wrote the interoperability table of {} to {}", present, readme());
            } else if (present.containsAll(ALL_BROKERS)) {
                assertEquals(table, InteropTable.section(current), "The README's broker interoperability table is not"
                    + " what the suite found: regenerate it with -Dinterop.readme.update=true (see InteropReadme)");
            } else {
                log.info("Results for {} of {}: the README table is checked once all broker suites have run",
                    present, ALL_BROKERS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write " + readme(), e);
        }
    }
}
