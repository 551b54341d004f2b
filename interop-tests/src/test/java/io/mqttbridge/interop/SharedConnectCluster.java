package io.mqttbridge.interop;

import io.mqttbridge.testkit.connect.ConnectCluster;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded Connect cluster for every broker suite that runs in this JVM, kept in JUnit's root store (which
 * closes it after the last test) rather than in a static field: starting a cluster costs about 8 s, four times
 * over. Each suite uses its own connector names and topics, and deletes its connectors after each scenario.
 */
final class SharedConnectCluster implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(SharedConnectCluster.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        ClusterResource resource = context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent("cluster", key -> new ClusterResource(ConnectCluster.start()), ClusterResource.class);
        ((BrokerInteropSuite) context.getRequiredTestInstance()).useCluster(resource.cluster());
    }

    /** Closes the cluster when JUnit closes the root store. */
    private record ClusterResource(ConnectCluster cluster) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            cluster.close();
        }
    }
}
