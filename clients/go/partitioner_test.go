package gateway

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/Shopify/sarama"
)

// Vectors from Kafka's own UtilsTest.testMurmur2.
func TestMurmur2MatchesKafkasOwnVectors(t *testing.T) {
	cases := map[string]int32{
		"21":                         -973932308,
		"foobar":                     -790332482,
		"a-little-bit-long-string":   -985981536,
		"a-little-bit-longer-string": -1486304829,
		"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
		"abc": 479470107,
	}
	for key, want := range cases {
		if got := Murmur2([]byte(key)); got != want {
			t.Errorf("Murmur2(%q) = %d, want %d", key, got, want)
		}
	}
}

// TestPartitionMatchesJava reads lines "key partitions partition" that Java's partitioner produced
// (GoClientsIT writes them) and checks every one; skipped when JAVA_PARTITIONS is not set.
func TestPartitionMatchesJava(t *testing.T) {
	path := os.Getenv("JAVA_PARTITIONS")
	if path == "" {
		t.Skip("JAVA_PARTITIONS not set: GoClientsIT provides Java's partitions")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checked := 0
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) != 3 {
			t.Fatalf("bad line %q", scanner.Text())
		}
		n, _ := strconv.Atoi(fields[1])
		want, _ := strconv.Atoi(fields[2])
		message := &sarama.ProducerMessage{Key: sarama.StringEncoder(fields[0])}
		got, err := NewJavaPartitioner("t").Partition(message, int32(n))
		if err != nil || got != int32(want) {
			t.Errorf("key %s over %d partitions: got %d (%v), Java %d", fields[0], n, got, err, want)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no keys to check")
	}
	t.Logf("%d keys placed as Java places them", checked)
}

func TestPartitionerRefusesARecordWithoutKey(t *testing.T) {
	if _, err := NewJavaPartitioner("t").Partition(&sarama.ProducerMessage{}, 12); err == nil {
		t.Fatal("a record without key was placed")
	}
}
