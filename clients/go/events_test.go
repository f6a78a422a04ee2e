package gateway

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var at = time.Date(2026, 12, 1, 9, 30, 0, 123000000, time.FixedZone("CET", 3600))

func TestRefreshNeededMarshalsToTheSchemasFields(t *testing.T) {
	e := RefreshNeeded{EventID: "e-1", AccountID: 42, Platform: Anthropic, RefreshWindowSeconds: 180,
		ObservedTokenVersion: Version(1714000000000), Reason: Expiring, OccurredAt: at, Source: "gw-1"}
	want := `{"event_id":"e-1","account_id":42,"platform":"anthropic","refresh_window_seconds":180,` +
		`"observed_token_version":1714000000000,"reason":"expiring","force":false,` +
		`"occurred_at":"2026-12-01T08:30:00.123Z","source":"gw-1"}`
	assertJSON(t, e, want)
	e.ObservedTokenVersion = nil
	if !strings.Contains(marshal(t, e), `"observed_token_version":null`) {
		t.Error("an unknown version is written as null")
	}
}

func TestUpstreamRejectedLeavesTheLaterOptionalFieldsOutWhenUnknown(t *testing.T) {
	e := UpstreamRejected{EventID: "e-2", AccountID: 7, Platform: OpenAI, StatusCode: 401,
		ErrorCode: Truncate("invalid_token", MaxErrorCodeLength), OccurredAt: at, Source: "gw-1"}
	want := `{"event_id":"e-2","account_id":7,"platform":"openai","status_code":401,"error_code":"invalid_token",` +
		`"error_message":null,"observed_token_version":null,"occurred_at":"2026-12-01T08:30:00.123Z","source":"gw-1"}`
	assertJSON(t, e, want)
}

func TestValidateNamesEachBrokenField(t *testing.T) {
	err := RefreshNeeded{AccountID: 0, Platform: "azure", Reason: "later", RefreshWindowSeconds: 0}.Validate()
	for _, field := range []string{"event_id", "account_id", "platform", "occurred_at", "source",
		"refresh_window_seconds", "reason"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s not named in %v", field, err)
		}
	}
	long := strings.Repeat("é", MaxErrorMessageLength+10)
	if got := []rune(*Truncate(long, MaxErrorMessageLength)); len(got) != MaxErrorMessageLength {
		t.Errorf("Truncate kept %d characters", len(got))
	}
}

func TestCredentialUpdatedReadsTheWorkersDocument(t *testing.T) {
	doc := `{"event_id":"credential-updated:42:1796141181373","account_id":42,"platform":"anthropic",` +
		`"token_version":1796141181373,"expires_at":"2026-12-01T17:09:17Z","occurred_at":"2026-12-01T09:09:17.5Z"}`
	var e CredentialUpdated
	if err := json.Unmarshal([]byte(doc), &e); err != nil {
		t.Fatal(err)
	}
	if e.AccountID != 42 || e.TokenVersion != 1796141181373 || e.ExpiresAt == nil ||
		!e.ExpiresAt.Equal(time.Date(2026, 12, 1, 17, 9, 17, 0, time.UTC)) {
		t.Errorf("read %+v", e)
	}
}

func TestRecentIDsForgetsTheOldestFirst(t *testing.T) {
	r := newRecentIDs(2)
	if !r.add("a") || !r.add("b") || r.add("a") || !r.add("c") || !r.add("a") || r.add("c") {
		t.Error("expected a, b new; a seen; c new (a forgotten); a new again; c seen")
	}
}

// TestEmitDocuments writes the documents this package produces, one per file, for GoClientsIT to validate
// against events-schema/schemas/; skipped when EMIT_DIR is not set.
func TestEmitDocuments(t *testing.T) {
	dir := os.Getenv("EMIT_DIR")
	if dir == "" {
		t.Skip("EMIT_DIR not set: GoClientsIT validates these against the schemas")
	}
	resets := time.Now().Add(5 * time.Hour).In(time.FixedZone("", -7*3600))
	retry := 30
	docs := map[string]interface{}{
		"refresh-needed.v1.minimal": RefreshNeeded{EventID: NewEventID(), AccountID: 1, Platform: Gemini,
			RefreshWindowSeconds: 1, Reason: Sweep, OccurredAt: time.Now(), Source: "s"},
		"refresh-needed.v1.forced": RefreshNeeded{EventID: NewEventID(), AccountID: 9223372036854775807,
			Platform: Grok, RefreshWindowSeconds: 86400, ObservedTokenVersion: Version(0), Reason: Upstream401,
			Force: true, OccurredAt: at, Source: strings.Repeat("s", MaxSourceLength)},
		"upstream-rejected.v1.minimal": UpstreamRejected{EventID: NewEventID(), AccountID: 3, Platform: Antigravity,
			StatusCode: 403, OccurredAt: time.Now(), Source: "s"},
		"upstream-rejected.v1.full": UpstreamRejected{EventID: strings.Repeat("e", MaxEventIDLength), AccountID: 4,
			Platform: Anthropic, StatusCode: 429, ErrorCode: Truncate(strings.Repeat("c", 500), MaxErrorCodeLength),
			ErrorMessage:         Truncate(strings.Repeat("\u2028é<&>", 1000), MaxErrorMessageLength),
			ObservedTokenVersion: Version(1714000000000), OccurredAt: at, RetryAfterSeconds: &retry,
			ResetsAt: &resets, Source: "gw"},
	}
	for name, doc := range docs {
		if err := doc.(interface{ Validate() error }).Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(marshal(t, doc)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func marshal(t *testing.T, v interface{}) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func assertJSON(t *testing.T, v interface{}, want string) {
	t.Helper()
	if got := marshal(t, v); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
