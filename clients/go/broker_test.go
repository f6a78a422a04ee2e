package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These run against a real broker and worker, driven by GoClientsIT, which sets TOKENWARDEN_BOOTSTRAP and the
// rest; without it they are skipped.

func brokerEnv(t *testing.T, names ...string) map[string]string {
	t.Helper()
	if os.Getenv("TOKENWARDEN_BOOTSTRAP") == "" {
		t.Skip("TOKENWARDEN_BOOTSTRAP not set: GoClientsIT runs this against a broker and a worker")
	}
	env := map[string]string{"TOKENWARDEN_BOOTSTRAP": os.Getenv("TOKENWARDEN_BOOTSTRAP")}
	for _, name := range names {
		if env[name] = os.Getenv(name); env[name] == "" {
			t.Fatalf("%s not set", name)
		}
	}
	return env
}

func envInt(t *testing.T, env map[string]string, name string) int64 {
	v, err := strconv.ParseInt(env[name], 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// TestPublishRefreshNeededToTheWorker publishes one refresh-needed event and prints where it landed.
func TestPublishRefreshNeededToTheWorker(t *testing.T) {
	env := brokerEnv(t, "REFRESH_TOPIC", "ACCOUNT", "PLATFORM", "OBSERVED")
	topics := DefaultTopics()
	topics.RefreshNeeded = env["REFRESH_TOPIC"]
	p, err := NewPublisher(strings.Split(env["TOKENWARDEN_BOOTSTRAP"], ","), topics, "go-gateway-test", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	partition, offset, err := p.PublishRefreshNeeded(RefreshNeeded{
		AccountID:            envInt(t, env, "ACCOUNT"),
		Platform:             Platform(env["PLATFORM"]),
		RefreshWindowSeconds: 180,
		ObservedTokenVersion: Version(envInt(t, env, "OBSERVED")),
		Reason:               Expiring,
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("PUBLISHED {\"partition\":%d,\"offset\":%d}\n", partition, offset)
}

// TestReadCredentialUpdatedOnce reads credential-updated from the oldest record until the SENTINEL account's
// event, and requires exactly one event for ACCOUNT: the worker's, however many copies were written, and never
// one from an aborted transaction.
func TestReadCredentialUpdatedOnce(t *testing.T) {
	env := brokerEnv(t, "CREDENTIAL_TOPIC", "ACCOUNT", "SENTINEL")
	account, sentinel := envInt(t, env, "ACCOUNT"), envInt(t, env, "SENTINEL")
	c, err := NewCredentialUpdates(strings.Split(env["TOKENWARDEN_BOOTSTRAP"], ","), env["CREDENTIAL_TOPIC"],
		ConsumerOptions{FromOldest: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var mine []CredentialUpdated
	sawSentinel := false
	err = c.Run(ctx, func(e CredentialUpdated) {
		switch e.AccountID {
		case account:
			mine = append(mine, e)
			line, _ := json.Marshal(e)
			fmt.Printf("CREDENTIAL_UPDATED %s\n", line)
		case sentinel:
			sawSentinel = true
			cancel()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sawSentinel {
		t.Fatal("the sentinel event never arrived")
	}
	fmt.Printf("DUPLICATES %d SKIPPED %d\n", c.Duplicates(), c.Skipped())
	if len(mine) != 1 {
		t.Fatalf("%d events for account %d, want exactly 1", len(mine), account)
	}
	if c.Duplicates() < 1 {
		t.Errorf("the copy of the event was not recognised as a duplicate")
	}
}
