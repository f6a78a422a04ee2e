package gateway

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/Shopify/sarama"
)

// Topics are the input topics a gateway writes; DefaultTopics are the worker's defaults.
type Topics struct {
	RefreshNeeded    string
	UpstreamRejected string
}

// DefaultTopics returns tokenwarden.refresh-needed.v1 and tokenwarden.upstream-rejected.v1.
func DefaultTopics() Topics {
	return Topics{RefreshNeeded: "tokenwarden.refresh-needed.v1", UpstreamRejected: "tokenwarden.upstream-rejected.v1"}
}

// The ce_type of each event, as the worker checks it when present.
const (
	TypeRefreshNeeded     = "dev.tokenwarden.refresh-needed.v1"
	TypeUpstreamRejected  = "dev.tokenwarden.upstream-rejected.v1"
	TypeCredentialUpdated = "dev.tokenwarden.credential-updated.v1"
)

// ProducerConfig is the configuration NewPublisher starts from: an idempotent producer (acks=all, retries, one
// request in flight per broker: a retried send is written once and in order), Java's partitioner, no compression.
func ProducerConfig() *sarama.Config {
	c := sarama.NewConfig()
	// Record batches v2 with headers, the idempotent producer and read_committed fetches need at least 0.11; 2.1 is
	// the oldest version Kafka 4 brokers still speak every request of.
	c.Version = sarama.V2_1_0_0
	c.ClientID = "tokenwarden-go-gateway"
	c.Producer.Idempotent = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Retry.Max = 10
	c.Producer.Retry.Backoff = 200 * time.Millisecond
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.Partitioner = NewJavaPartitioner
	c.Producer.Compression = sarama.CompressionNone
	c.Net.MaxOpenRequests = 1
	return c
}

// Publisher sends refresh-needed and upstream-rejected events. It is safe for concurrent use.
type Publisher struct {
	producer sarama.SyncProducer
	topics   Topics
	source   string
	now      func() time.Time
}

// NewPublisher connects to brokers. source names this gateway instance in events that do not set one; configure,
// when not nil, may adjust ProducerConfig (TLS, SASL, client id) before it is used.
func NewPublisher(brokers []string, topics Topics, source string, configure func(*sarama.Config)) (*Publisher, error) {
	if source == "" {
		return nil, errors.New("source must name this gateway instance")
	}
	c := ProducerConfig()
	if configure != nil {
		configure(c)
	}
	producer, err := sarama.NewSyncProducer(brokers, c)
	if err != nil {
		return nil, err
	}
	return &Publisher{producer: producer, topics: topics, source: source, now: time.Now}, nil
}

// PublishRefreshNeeded fills in EventID, OccurredAt and Source when empty, validates, and sends; it returns once
// the record is written to every in-sync replica, with its partition and offset.
func (p *Publisher) PublishRefreshNeeded(e RefreshNeeded) (partition int32, offset int64, err error) {
	if e.EventID == "" {
		e.EventID = NewEventID()
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = p.now()
	}
	if e.Source == "" {
		e.Source = p.source
	}
	if err := e.Validate(); err != nil {
		return -1, -1, err
	}
	return p.send(p.topics.RefreshNeeded, e.AccountID, e.EventID, TypeRefreshNeeded, e.Source, e.OccurredAt, e)
}

// PublishUpstreamRejected fills in EventID, OccurredAt and Source when empty, validates, and sends.
func (p *Publisher) PublishUpstreamRejected(e UpstreamRejected) (partition int32, offset int64, err error) {
	if e.EventID == "" {
		e.EventID = NewEventID()
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = p.now()
	}
	if e.Source == "" {
		e.Source = p.source
	}
	if err := e.Validate(); err != nil {
		return -1, -1, err
	}
	return p.send(p.topics.UpstreamRejected, e.AccountID, e.EventID, TypeUpstreamRejected, e.Source, e.OccurredAt, e)
}

func (p *Publisher) send(topic string, accountID int64, eventID, ceType, source string, at time.Time,
	event interface{}) (int32, int64, error) {
	value, err := json.Marshal(event)
	if err != nil {
		return -1, -1, err
	}
	return p.producer.SendMessage(&sarama.ProducerMessage{
		Topic:   topic,
		Key:     sarama.StringEncoder(strconv.FormatInt(accountID, 10)),
		Value:   sarama.ByteEncoder(value),
		Headers: CloudEventHeaders(eventID, ceType, source, at),
	})
}

// CloudEventHeaders are the binary-mode CloudEvents headers of one event.
func CloudEventHeaders(eventID, ceType, source string, at time.Time) []sarama.RecordHeader {
	return []sarama.RecordHeader{
		{Key: []byte("ce_id"), Value: []byte(eventID)},
		{Key: []byte("ce_type"), Value: []byte(ceType)},
		{Key: []byte("ce_source"), Value: []byte(source)},
		{Key: []byte("ce_time"), Value: []byte(at.UTC().Format(time.RFC3339Nano))},
		{Key: []byte("ce_specversion"), Value: []byte("1.0")},
	}
}

// Close flushes and closes the producer.
func (p *Publisher) Close() error {
	return p.producer.Close()
}
