package gateway

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit reads what an upstream's answer says about when to come back, for UpstreamRejected's
// RetryAfterSeconds and ResetsAt; nil where it says nothing.
//
//   - Retry-After: seconds, or an HTTP date (counted from now).
//   - Anthropic: anthropic-ratelimit-unified-reset (Unix seconds) when anthropic-ratelimit-unified-status is
//     "rejected".
//   - OpenAI/Codex: x-codex-{primary,secondary}-reset-at (Unix seconds) of the window whose
//     x-codex-*-used-percent reached 100 (the exhausted window decides, not the longer one); the later of the two
//     when both are exhausted.
func RateLimit(h http.Header, now time.Time) (retryAfterSeconds *int, resetsAt *time.Time) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
			retryAfterSeconds = &secs
		} else if at, err := http.ParseTime(v); err == nil {
			secs := int(at.Sub(now).Seconds())
			if secs < 0 {
				secs = 0
			}
			retryAfterSeconds = &secs
		}
	}
	if strings.EqualFold(h.Get("anthropic-ratelimit-unified-status"), "rejected") {
		resetsAt = later(resetsAt, unixHeader(h, "anthropic-ratelimit-unified-reset"))
	}
	for _, window := range []string{"primary", "secondary"} {
		used, err := strconv.ParseFloat(h.Get("x-codex-"+window+"-used-percent"), 64)
		if err == nil && used >= 100 {
			resetsAt = later(resetsAt, unixHeader(h, "x-codex-"+window+"-reset-at"))
		}
	}
	return retryAfterSeconds, resetsAt
}

func unixHeader(h http.Header, name string) *time.Time {
	secs, err := strconv.ParseInt(strings.TrimSpace(h.Get(name)), 10, 64)
	if err != nil || secs <= 0 {
		return nil
	}
	at := time.Unix(secs, 0).UTC()
	return &at
}

func later(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}
