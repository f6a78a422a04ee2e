package dev.tokenwarden.demo.bench.ceiling;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The ceilings the bench holds the worker against: the least a Kafka Streams application can do with the
 * same topics under the same guarantee (exactly-once v2, the worker's commit interval, one stream thread).
 * {@code DEDUP} reads each record's key from a persistent store and writes the record back (the get+put every
 * de-duplicating processor pays), forwarding the first record per key; {@code PASS_THROUGH} copies input to
 * output (one exactly-once hop). Run as its own process by the bench:
 * {@code BareStreams MODE BOOTSTRAP APP_ID INPUT OUTPUT STATE_DIR COMMIT_MS}; stops on SIGTERM.
 */
public final class BareStreams {
    public enum Mode {
        DEDUP, PASS_THROUGH
    }

    private static final String STORE = "bare-dedup";

    private BareStreams() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 7) {
            System.err.println("usage: BareStreams DEDUP|PASS_THROUGH BOOTSTRAP APP_ID INPUT OUTPUT STATE_DIR COMMIT_MS");
            System.exit(2);
        }
        Mode mode = Mode.valueOf(args[0]);
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[2]);
        p.put(StreamsConfig.STATE_DIR_CONFIG, args[5]);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.parseLong(args[6]));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);

        StreamsBuilder builder = new StreamsBuilder();
        var input = builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.ByteArray()));
        if (mode == Mode.DEDUP) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                    Serdes.ByteArray()));
            input = input.process(Dedup::new, STORE);
        }
        input.to(args[4], Produced.with(Serdes.String(), Serdes.ByteArray()));

        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(20));
            stopped.countDown();
        }));
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace();
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .SHUTDOWN_APPLICATION;
        });
        streams.start();
        stopped.await();
    }

    private static final class Dedup implements Processor<String, byte[], String, byte[]> {
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> store;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            byte[] seen = store.get(record.key());
            store.put(record.key(), record.value());
            if (seen == null) {
                context.forward(record);
            }
        }
    }
}
