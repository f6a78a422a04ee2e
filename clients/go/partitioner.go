package gateway

import (
	"errors"

	"github.com/Shopify/sarama"
)

// Murmur2 is the hash of Kafka's Java client (org.apache.kafka.common.utils.Utils.murmur2), seed 0x9747b28c.
func Murmur2(data []byte) int32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	length := len(data)
	h := seed ^ uint32(length)
	for i := 0; i+4 <= length; i += 4 {
		k := uint32(data[i]) | uint32(data[i+1])<<8 | uint32(data[i+2])<<16 | uint32(data[i+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := length &^ 3
	switch length % 4 {
	case 3:
		h ^= uint32(data[tail+2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[tail+1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[tail])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// JavaPartition is the partition Java's default partitioner picks for a keyed record:
// toPositive(murmur2(key)) % numPartitions.
func JavaPartition(key []byte, numPartitions int32) int32 {
	return int32(uint32(Murmur2(key))&0x7fffffff) % numPartitions
}

// NewJavaPartitioner is a sarama.PartitionerConstructor placing keyed records as Java's client does. sarama's own
// hash partitioner uses FNV-1a; records it places reach the worker through one extra repartition hop.
func NewJavaPartitioner(topic string) sarama.Partitioner {
	return javaPartitioner{}
}

type javaPartitioner struct{}

func (javaPartitioner) Partition(message *sarama.ProducerMessage, numPartitions int32) (int32, error) {
	if message.Key == nil {
		return -1, errors.New("tokenwarden events are keyed by account id; this record has no key")
	}
	key, err := message.Key.Encode()
	if err != nil {
		return -1, err
	}
	return JavaPartition(key, numPartitions), nil
}

// RequiresConsistency: a key always goes to the same partition, so sarama never re-partitions on a retry.
func (javaPartitioner) RequiresConsistency() bool {
	return true
}
