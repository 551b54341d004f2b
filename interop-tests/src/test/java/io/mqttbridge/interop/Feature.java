package io.mqttbridge.interop;

/** One column of the README's interoperability table: a scenario every broker suite runs. */
enum Feature {
    QOS0("QoS 0"),
    QOS1("QoS 1"),
    QOS2("QoS 2"),
    SESSION_RESUME("Session resume"),
    RETAINED("Retained"),
    WILDCARDS("Wildcards"),
    DOLLAR_TOPICS("$-topics"),
    SHARED_SUBSCRIPTIONS("Shared subscriptions"),
    TLS("TLS"),
    USERNAME_PASSWORD("User/password"),
    LARGE_PAYLOAD("256 KB payload"),
    BROKER_RESTART("Broker restart");

    private final String label;

    Feature(String label) {
        this.label = label;
    }

    /** The column heading. */
    String label() {
        return label;
    }
}
