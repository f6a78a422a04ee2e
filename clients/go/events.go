package gateway

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Platform is an account's platform, as in accounts.platform.
type Platform string

// The platforms the schemas accept.
const (
	Anthropic   Platform = "anthropic"
	OpenAI      Platform = "openai"
	Gemini      Platform = "gemini"
	Antigravity Platform = "antigravity"
	Grok        Platform = "grok"
)

// Reason says why a refresh is asked for.
type Reason string

// The reasons the schema accepts.
const (
	// Expiring: a request path found the token expiring within its window.
	Expiring Reason = "expiring"
	// Upstream401: the upstream rejected the token; send with Force.
	Upstream401 Reason = "upstream_401"
	Manual      Reason = "manual"
	Sweep       Reason = "sweep"
)

// Bounds the schemas set on text fields, in characters (Unicode code points).
const (
	MaxEventIDLength      = 128
	MaxSourceLength       = 256
	MaxErrorCodeLength    = 128
	MaxErrorMessageLength = 2048
)

// RefreshNeeded asks the worker to refresh one account's token (refresh-needed.v1).
type RefreshNeeded struct {
	EventID   string   `json:"event_id"`
	AccountID int64    `json:"account_id"`
	Platform  Platform `json:"platform"`
	// RefreshWindowSeconds: refresh when the token expires within this (request paths ~180, sweeps ~1800).
	RefreshWindowSeconds int `json:"refresh_window_seconds"`
	// ObservedTokenVersion is credentials._token_version as the gateway saw it; nil when it had none.
	ObservedTokenVersion *int64 `json:"observed_token_version"`
	Reason               Reason `json:"reason"`
	// Force refreshes even if expires_at looks fine: the token was rejected early.
	Force      bool      `json:"force"`
	OccurredAt time.Time `json:"occurred_at"`
	Source     string    `json:"source"`
}

// UpstreamRejected reports that an upstream call with one account was refused (upstream-rejected.v1).
type UpstreamRejected struct {
	EventID    string   `json:"event_id"`
	AccountID  int64    `json:"account_id"`
	Platform   Platform `json:"platform"`
	StatusCode int      `json:"status_code"`
	// ErrorCode and ErrorMessage are the upstream's, cut to their bounds by Truncate; never put a token in them.
	ErrorCode            *string   `json:"error_code"`
	ErrorMessage         *string   `json:"error_message"`
	ObservedTokenVersion *int64    `json:"observed_token_version"`
	OccurredAt           time.Time `json:"occurred_at"`
	// RetryAfterSeconds is the upstream's Retry-After, counted from OccurredAt; nil when it did not say.
	RetryAfterSeconds *int `json:"retry_after_seconds,omitempty"`
	// ResetsAt is when the upstream said its limit resets; nil when it did not say.
	ResetsAt *time.Time `json:"resets_at,omitempty"`
	Source   string     `json:"source"`
}

// CredentialUpdated says an account reached a new token version (credential-updated.v1). It carries no secret:
// drop the cached token and re-read the accounts row.
type CredentialUpdated struct {
	// EventID is credential-updated:{account_id}:{token_version}, the same for a replay of the same update.
	EventID      string   `json:"event_id"`
	AccountID    int64    `json:"account_id"`
	Platform     Platform `json:"platform"`
	TokenVersion int64    `json:"token_version"`
	// ExpiresAt is the new access token's expiry; nil when the provider did not say.
	ExpiresAt  *time.Time `json:"expires_at"`
	OccurredAt time.Time  `json:"occurred_at"`
}

// Version is a helper for the optional ObservedTokenVersion fields.
func Version(v int64) *int64 { return &v }

// Truncate cuts s to at most max characters at a character boundary, and returns nil for "" (the fields it fills
// are nullable).
func Truncate(s string, max int) *string {
	if s == "" {
		return nil
	}
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return &s
}

// NewEventID returns a random UUID (version 4), unique per event as the schemas ask.
func NewEventID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// MarshalJSON writes the times in UTC so that every document is one the schema's date-time pattern accepts.
func (e RefreshNeeded) MarshalJSON() ([]byte, error) {
	type plain RefreshNeeded
	e.OccurredAt = e.OccurredAt.UTC()
	return json.Marshal(plain(e))
}

// MarshalJSON writes the times in UTC so that every document is one the schema's date-time pattern accepts.
func (e UpstreamRejected) MarshalJSON() ([]byte, error) {
	type plain UpstreamRejected
	e.OccurredAt = e.OccurredAt.UTC()
	if e.ResetsAt != nil {
		at := e.ResetsAt.UTC()
		e.ResetsAt = &at
	}
	return json.Marshal(plain(e))
}

// Validate checks what the schema checks, naming the field and the rule.
func (e RefreshNeeded) Validate() error {
	return joinErrors(
		checkCommon(e.EventID, e.AccountID, e.Platform, e.ObservedTokenVersion, e.OccurredAt, e.Source),
		check(e.RefreshWindowSeconds >= 1 && e.RefreshWindowSeconds <= 86400,
			"refresh_window_seconds must be 1..86400, was %d", e.RefreshWindowSeconds),
		check(e.Reason == Expiring || e.Reason == Upstream401 || e.Reason == Manual || e.Reason == Sweep,
			"reason must be expiring, upstream_401, manual or sweep, was %q", e.Reason))
}

// Validate checks what the schema checks, naming the field and the rule.
func (e UpstreamRejected) Validate() error {
	return joinErrors(
		checkCommon(e.EventID, e.AccountID, e.Platform, e.ObservedTokenVersion, e.OccurredAt, e.Source),
		check(e.StatusCode >= 400 && e.StatusCode <= 599, "status_code must be 400..599, was %d", e.StatusCode),
		check(e.ErrorCode == nil || utf8.RuneCountInString(*e.ErrorCode) <= MaxErrorCodeLength,
			"error_code must be at most %d characters (use Truncate)", MaxErrorCodeLength),
		check(e.ErrorMessage == nil || utf8.RuneCountInString(*e.ErrorMessage) <= MaxErrorMessageLength,
			"error_message must be at most %d characters (use Truncate)", MaxErrorMessageLength),
		check(e.RetryAfterSeconds == nil || *e.RetryAfterSeconds >= 0,
			"retry_after_seconds must not be negative"),
		check(e.ResetsAt == nil || validYear(*e.ResetsAt), "resets_at must be within years 0000..9999"))
}

func checkCommon(eventID string, accountID int64, platform Platform, observed *int64, at time.Time,
	source string) error {
	return joinErrors(
		check(eventID != "" && utf8.RuneCountInString(eventID) <= MaxEventIDLength,
			"event_id must be 1..%d characters", MaxEventIDLength),
		check(accountID >= 1, "account_id must be at least 1, was %d", accountID),
		check(platform == Anthropic || platform == OpenAI || platform == Gemini || platform == Antigravity ||
			platform == Grok, "platform must be anthropic, openai, gemini, antigravity or grok, was %q", platform),
		check(observed == nil || *observed >= 0, "observed_token_version must not be negative"),
		check(!at.IsZero() && validYear(at), "occurred_at must be set, within years 0000..9999"),
		check(source != "" && utf8.RuneCountInString(source) <= MaxSourceLength,
			"source must be 1..%d characters", MaxSourceLength))
}

// joinErrors is errors.Join for Go 1.19: nil when all are nil, else one error listing each.
func joinErrors(errs ...error) error {
	var texts []string
	for _, err := range errs {
		if err != nil {
			texts = append(texts, err.Error())
		}
	}
	if len(texts) == 0 {
		return nil
	}
	return errors.New(strings.Join(texts, "; "))
}

func validYear(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}

func check(ok bool, format string, args ...interface{}) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}
