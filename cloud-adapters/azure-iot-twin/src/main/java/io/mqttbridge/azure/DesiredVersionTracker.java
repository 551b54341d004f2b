package io.mqttbridge.azure;

/**
 * Which desired-property changes of one device become records, by {@code $version}: every version once, in order.
 * A patch is emitted when it is the very next version; a full twin (from a GET) when it is newer than anything
 * emitted, standing in for the patches that were missed (while disconnected, or before the first connection). A
 * patch beyond the next version means changes were missed: {@link #behind()} asks for a GET. Thread-safe.
 */
final class DesiredVersionTracker {
    private long emitted;
    private long seen;

    /**
     * @param lastEmitted the last version handed to Kafka (from the source offsets), or 0 if none
     */
    DesiredVersionTracker(long lastEmitted) {
        this.emitted = lastEmitted;
        this.seen = lastEmitted;
    }

    /** A desired patch of {@code version} arrived; true if it is to be emitted (it is the next version). */
    synchronized boolean patchArrived(long version) {
        seen = Math.max(seen, version);
        if (version == emitted + 1) {
            emitted = version;
            return true;
        }
        return false;
    }

    /** A full twin with desired {@code version} arrived; true if it is to be emitted (newer than any emitted). */
    synchronized boolean twinArrived(long version) {
        seen = Math.max(seen, version);
        if (version > emitted) {
            emitted = version;
            return true;
        }
        return false;
    }

    /** Whether a version is known to exist that was not emitted: a GET must fetch it. */
    synchronized boolean behind() {
        return seen > emitted;
    }

    /** The last version emitted. */
    synchronized long emitted() {
        return emitted;
    }
}
