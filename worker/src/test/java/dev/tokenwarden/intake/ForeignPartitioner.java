package dev.tokenwarden.intake;

import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/** The default partitioners of the Kafka clients Go and C gateways use, as their sources define them. */
enum ForeignPartitioner {
    /** IBM/sarama's NewHashPartitioner: FNV-1a 32 of the key, as int32, modulo, negated when negative. */
    SARAMA_FNV1A {
        @Override
        int partition(byte[] key, int partitions) {
            int hash = 0x811c9dc5;
            for (byte b : key) {
                hash ^= b & 0xff;
                hash *= 0x01000193;
            }
            int p = hash % partitions;
            return p < 0 ? -p : p;
        }
    },
    /** librdkafka's consistent_random (and consistent): CRC32 of the key modulo the partition count. */
    LIBRDKAFKA_CRC32 {
        @Override
        int partition(byte[] key, int partitions) {
            CRC32 crc = new CRC32();
            crc.update(key);
            return (int) (crc.getValue() % partitions);
        }
    },
    /** segmentio/kafka-go's default Balancer: round-robin, whatever the key. */
    KAFKA_GO_ROUND_ROBIN {
        private final AtomicLong next = new AtomicLong();

        @Override
        int partition(byte[] key, int partitions) {
            return (int) (next.getAndIncrement() % partitions);
        }
    };

    abstract int partition(byte[] key, int partitions);
}
