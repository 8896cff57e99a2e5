package io.herdwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The detector's windowed job in Kafka Streams, one stream thread: JSON events keyed by
 * product, event time from `ts`, weighted counts (view 1, add_to_cart 3, purchase 5) per
 * product in 10 s tumbling windows with 30 s grace, windows above a threshold written to an
 * output topic (the "alerts"). Prints `events=<n> ms=<elapsed>` once every input record has
 * been processed, timed from the moment the instance is RUNNING (after its group join), then exits.
 *
 *   java -cp ... io.herdwatch.bench.WindowedCount <brokers> <topic> <records> defaults|no-cache|no-changelog
 */
public final class WindowedCount {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Event time from the value's `ts` field (epoch ms), as the detector reads it. */
  public static final class EventTime implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
      try {
        JsonNode ts = JSON.readTree((byte[]) record.value()).get("ts");
        return ts != null && ts.canConvertToLong() ? ts.asLong() : partitionTime;
      } catch (Exception e) {
        return partitionTime;
      }
    }
  }

  private static long weight(byte[] value) {
    try {
      JsonNode type = JSON.readTree(value).get("type");
      String t = type == null ? "" : type.asText();
      return switch (t) {
        case "view" -> 1;
        case "add_to_cart" -> 3;
        case "purchase" -> 5;
        default -> 0;
      };
    } catch (Exception e) {
      return 0;
    }
  }

  public static void main(String[] args) throws Exception {
    String brokers = args[0];
    String topic = args[1];
    long records = Long.parseLong(args[2]);
    String mode = args[3];
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "herdwatch-streams-bench-" + mode + "-" + UUID.randomUUID());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("hw-streams-").toString());
    p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, EventTime.class);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    if (!mode.equals("defaults")) p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);

    AtomicLong seen = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    StreamsBuilder b = new StreamsBuilder();
    Materialized<String, Long, WindowStore<Bytes, byte[]>> store = Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("weighted-counts")
        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long())
        // An hour kept, like the detector's baseline history; it also keeps RocksDB from opening a
        // new segment every minute of event time (retention / 2 per segment).
        .withRetention(Duration.ofHours(1));
    if (mode.equals("no-changelog")) store = store.withLoggingDisabled();
    b.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .mapValues(WindowedCount::weight)
        .peek((k, w) -> {
          if (seen.incrementAndGet() == records) done.countDown();
        })
        .groupByKey(Grouped.with(Serdes.String(), Serdes.Long()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(30)))
        .reduce(Long::sum, store)
        .toStream()
        .filter((w, sum) -> sum != null && sum >= 200)
        .map((w, sum) -> org.apache.kafka.streams.KeyValue.pair(w.key(), sum))
        .to(topic + ".streams-out", Produced.with(Serdes.String(), Serdes.Long()));

    KafkaStreams streams = new KafkaStreams(b.build(), p);
    long[] runningAt = {0};
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING && runningAt[0] == 0) runningAt[0] = System.nanoTime();
    });
    streams.start();
    done.await();
    long ms = (System.nanoTime() - runningAt[0]) / 1_000_000;
    System.out.println("events=" + seen.get() + " ms=" + ms);
    System.out.flush();
    // The state directory is a fresh temporary one: no clean-up needed, and none that can fail.
    streams.close(Duration.ofSeconds(10));
    System.exit(0);
  }
}
