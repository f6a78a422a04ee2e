package gateway

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"

	"github.com/Shopify/sarama"
)

// ConsumerConfig is the configuration NewCredentialUpdates starts from: read_committed, so the records of the
// worker's aborted transactions are never seen.
func ConsumerConfig() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V2_1_0_0
	c.ClientID = "tokenwarden-go-gateway"
	c.Consumer.IsolationLevel = sarama.ReadCommitted
	c.Consumer.Return.Errors = true
	return c
}

// ConsumerOptions choose where reading starts and how many event ids are remembered.
type ConsumerOptions struct {
	// FromOldest reads the topic's retained history first; by default reading starts at the end, which suits a
	// token cache that is empty when the gateway starts.
	FromOldest bool
	// RememberEvents is how many recent event ids de-duplication keeps (default 100,000).
	RememberEvents int
}

// CredentialUpdates reads credential-updated events from every partition, with no consumer group: each gateway
// instance holds its own token cache, so each must see every event (a shared group would split them). Events are
// de-duplicated on event_id, which is the same for the same update however often the worker writes it (a replay
// after a crash, two workers answering one account).
type CredentialUpdates struct {
	consumer   sarama.Consumer
	topic      string
	fromOldest bool
	seen       *recentIDs
	skipped    int64
	duplicates int64
	errs       int64
}

// NewCredentialUpdates connects to brokers; configure, when not nil, may adjust ConsumerConfig.
func NewCredentialUpdates(brokers []string, topic string, opts ConsumerOptions,
	configure func(*sarama.Config)) (*CredentialUpdates, error) {
	c := ConsumerConfig()
	if configure != nil {
		configure(c)
	}
	consumer, err := sarama.NewConsumer(brokers, c)
	if err != nil {
		return nil, err
	}
	remember := opts.RememberEvents
	if remember <= 0 {
		remember = 100000
	}
	return &CredentialUpdates{consumer: consumer, topic: topic, fromOldest: opts.FromOldest,
		seen: newRecentIDs(remember)}, nil
}

// Run calls handle once per distinct event, one call at a time, until ctx ends or a partition cannot be read.
// A record that is not a credential-updated document is counted in Skipped and passed over.
func (c *CredentialUpdates) Run(ctx context.Context, handle func(CredentialUpdated)) error {
	partitions, err := c.consumer.Partitions(c.topic)
	if err != nil {
		return err
	}
	start := sarama.OffsetNewest
	if c.fromOldest {
		start = sarama.OffsetOldest
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	records := make(chan *sarama.ConsumerMessage)
	var wg sync.WaitGroup
	for _, partition := range partitions {
		pc, err := c.consumer.ConsumePartition(c.topic, partition, start)
		if err != nil {
			cancel()
			wg.Wait()
			return err
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-ctx.Done()
			pc.AsyncClose()
		}()
		go func() {
			defer wg.Done()
			messages, errs := pc.Messages(), pc.Errors()
			for messages != nil || errs != nil {
				select {
				case m, ok := <-messages:
					if !ok {
						messages = nil
						continue
					}
					select {
					case records <- m:
					case <-ctx.Done():
					}
				case _, ok := <-errs:
					if !ok {
						errs = nil
						continue
					}
					atomic.AddInt64(&c.errs, 1) // sarama retries the fetch itself
				}
			}
		}()
	}
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case m := <-records:
			var event CredentialUpdated
			if err := json.Unmarshal(m.Value, &event); err != nil || event.EventID == "" || event.AccountID < 1 {
				atomic.AddInt64(&c.skipped, 1)
				continue
			}
			if !c.seen.add(event.EventID) {
				atomic.AddInt64(&c.duplicates, 1)
				continue
			}
			handle(event)
		}
	}
}

// Skipped counts records that were not credential-updated documents.
func (c *CredentialUpdates) Skipped() int64 { return atomic.LoadInt64(&c.skipped) }

// Duplicates counts events passed over because their event_id was seen already.
func (c *CredentialUpdates) Duplicates() int64 { return atomic.LoadInt64(&c.duplicates) }

// Close closes the connection; call it after Run returned.
func (c *CredentialUpdates) Close() error {
	return c.consumer.Close()
}

// recentIDs remembers the last capacity ids added, forgetting the oldest first.
type recentIDs struct {
	capacity int
	order    []string
	next     int
	set      map[string]struct{}
}

func newRecentIDs(capacity int) *recentIDs {
	return &recentIDs{capacity: capacity, set: make(map[string]struct{}, capacity)}
}

// add reports whether id is new, remembering it.
func (r *recentIDs) add(id string) bool {
	if _, seen := r.set[id]; seen {
		return false
	}
	if len(r.order) < r.capacity {
		r.order = append(r.order, id)
	} else {
		delete(r.set, r.order[r.next])
		r.order[r.next] = id
		r.next = (r.next + 1) % r.capacity
	}
	r.set[id] = struct{}{}
	return true
}
