package gateway

import (
	"net/http"
	"testing"
	"time"
)

func TestRateLimitReadsRetryAfterAndTheExhaustedWindow(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set("Retry-After", "30")
	h.Set("x-codex-primary-used-percent", "100")
	h.Set("x-codex-primary-reset-at", "1796130000")
	h.Set("x-codex-secondary-used-percent", "40")
	h.Set("x-codex-secondary-reset-at", "1796700000")
	retry, resets := RateLimit(h, now)
	if retry == nil || *retry != 30 {
		t.Errorf("retry after %v", retry)
	}
	if resets == nil || resets.Unix() != 1796130000 {
		t.Errorf("resets at %v: the exhausted (primary) window decides, not the longer one", resets)
	}
}

func TestRateLimitReadsAnHTTPDateAndAnthropicsRejectedWindow(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat))
	h.Set("anthropic-ratelimit-unified-status", "rejected")
	h.Set("anthropic-ratelimit-unified-reset", "1796148000")
	retry, resets := RateLimit(h, now)
	if retry == nil || *retry != 90 || resets == nil || resets.Unix() != 1796148000 {
		t.Errorf("got %v %v", retry, resets)
	}
	if retry, resets := RateLimit(http.Header{}, now); retry != nil || resets != nil {
		t.Errorf("nothing said, got %v %v", retry, resets)
	}
}
