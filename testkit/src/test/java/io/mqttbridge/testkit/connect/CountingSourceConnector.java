package io.mqttbridge.testkit.connect;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/** Test connector: writes {"seq":N} for N = 0..count-1 to {@code topic}, resuming from its committed offset. */
public class CountingSourceConnector extends SourceConnector {

  static final ConfigDef CONFIG = new ConfigDef()
      .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Target topic")
      .define("count", ConfigDef.Type.INT, 100, ConfigDef.Range.atLeast(0), ConfigDef.Importance.HIGH,
          "Records to write")
      .define("fail.at", ConfigDef.Type.INT, -1, ConfigDef.Importance.LOW, "Fail the task at this sequence number");

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    this.props = props;
  }

  @Override
  public Class<? extends Task> taskClass() {
    return CountingTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return List.of(props);
  }

  @Override
  public void stop() {
  }

  @Override
  public ConfigDef config() {
    return CONFIG;
  }

  @Override
  public String version() {
    return "test";
  }

  /** The task. */
  public static class CountingTask extends SourceTask {
    private static final Map<String, String> PARTITION = Map.of("source", "counter");
    private String topic;
    private int count;
    private int failAt;
    private int next;

    @Override
    public String version() {
      return "test";
    }

    @Override
    public void start(Map<String, String> props) {
      topic = props.get("topic");
      count = Integer.parseInt(props.getOrDefault("count", "100"));
      failAt = Integer.parseInt(props.getOrDefault("fail.at", "-1"));
      Map<String, Object> offset = context.offsetStorageReader().offset(PARTITION);
      next = offset == null ? 0 : ((Number) offset.get("seq")).intValue() + 1;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
      if (next == failAt) {
        throw new ConnectException("failing on purpose at seq " + failAt);
      }
      if (next >= count) {
        synchronized (this) {
          wait(100); // idle without spinning; Connect calls poll again
        }
        return null;
      }
      int seq = next++;
      byte[] value = ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
      return List.of(new SourceRecord(PARTITION, Map.of("seq", seq), topic, null, null, Schema.BYTES_SCHEMA, value));
    }

    @Override
    public void stop() {
    }
  }
}
