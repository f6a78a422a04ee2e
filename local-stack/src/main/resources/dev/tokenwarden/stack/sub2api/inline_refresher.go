// Command inline_refresher imitates the inline OAuth refresh of an unmodified sub2api gateway, written apart from
// the worker (another language, its own Redis and PostgreSQL clients) so that running it beside the worker tests
// the protocol the two share, not one codebase against itself.
//
// Like sub2api's refresh path it, for every account whose token expires within -window:
//
//  1. takes oauth:refresh_lock:<cache key> with SET key owner NX PX ttl (held elsewhere: leave it, as a request
//     that finds the lock taken uses the current token),
//  2. re-reads the row inside the lock and goes on only if the token still expires within the window,
//  3. refreshes against the provider (Anthropic: JSON body; OpenAI: form body with its scope),
//  4. merges the new access_token, refresh_token, expires_at (Unix seconds) and _token_version (epoch ms) into
//     the stored credentials with its scheduler_outbox row in one transaction, and
//  5. releases by compare-and-delete on its owner value.
//
// A gateway sees every account on its request path, so each tick looks at all of them. SIGTERM or SIGINT ends
// the loop; refreshes in flight finish (a rotated token is never dropped) and one JSON line of counts is printed.
// Never prints a token.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	mathrand "math/rand"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gomodule/redigo/redis"
	_ "github.com/lib/pq"
)

const releaseScript = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`

type provider struct {
	url      string
	clientID string
}

type counts struct {
	Name           string `json:"name"`
	Ticks          int64  `json:"ticks"`
	Due            int64  `json:"due"`
	Refreshed      int64  `json:"refreshed"`
	LockHeld       int64  `json:"lock_held"`
	FreshAfterLock int64  `json:"fresh_after_lock"`
	Rejected       int64  `json:"rejected"`
	Failed         int64  `json:"failed"`
}

type refresher struct {
	name      string
	db        *sql.DB
	redis     *redis.Pool
	release   *redis.Script
	http      *http.Client
	providers map[string]provider
	window    time.Duration
	lockTTL   time.Duration
	agent     string
	c         counts
}

func main() {
	pgURL := flag.String("pg", os.Getenv("INLINE_REFRESHER_PG"), "PostgreSQL URL (default $INLINE_REFRESHER_PG, so the password stays out of ps)")
	redisAddr := flag.String("redis", "", "Redis host:port")
	name := flag.String("name", "sub2api-1", "this gateway instance's name, in its lock owner values")
	window := flag.Duration("window", 3*time.Minute, "refresh a token that expires within this")
	interval := flag.Duration("interval", time.Second, "how often the accounts are looked at")
	lockTTL := flag.Duration("lock-ttl", 60*time.Second, "TTL of oauth:refresh_lock:<cache key>")
	parallel := flag.Int("parallel", 8, "refreshes at once (concurrent requests of one gateway)")
	anthropicURL := flag.String("anthropic-url", "", "Anthropic token endpoint")
	anthropicClient := flag.String("anthropic-client-id", "", "Anthropic OAuth client id")
	openaiURL := flag.String("openai-url", "", "OpenAI token endpoint")
	openaiClient := flag.String("openai-client-id", "", "OpenAI OAuth client id")
	flag.Parse()

	db, err := sql.Open("postgres", *pgURL)
	if err != nil {
		fail("postgres: %v", err)
	}
	db.SetMaxOpenConns(*parallel + 2)
	r := &refresher{
		name:    *name,
		db:      db,
		redis:   &redis.Pool{MaxIdle: *parallel, Dial: func() (redis.Conn, error) { return redis.Dial("tcp", *redisAddr) }},
		release: redis.NewScript(1, releaseScript),
		http:    &http.Client{Timeout: 30 * time.Second},
		providers: map[string]provider{
			"anthropic": {*anthropicURL, *anthropicClient},
			"openai":    {*openaiURL, *openaiClient},
		},
		window:  *window,
		lockTTL: *lockTTL,
		agent:   "sub2api-inline-imitation/1 (" + *name + ")",
		c:       counts{Name: *name},
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ticker := time.NewTicker(*interval)
	defer ticker.Stop()
	for ctx.Err() == nil {
		r.tick(ctx, *parallel)
		select {
		case <-ctx.Done():
		case <-ticker.C:
		}
	}
	out, _ := json.Marshal(r.snapshot())
	fmt.Println(string(out))
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "inline_refresher: "+format+"\n", args...)
	os.Exit(1)
}

func (r *refresher) snapshot() counts {
	return counts{
		Name:           r.c.Name,
		Ticks:          atomic.LoadInt64(&r.c.Ticks),
		Due:            atomic.LoadInt64(&r.c.Due),
		Refreshed:      atomic.LoadInt64(&r.c.Refreshed),
		LockHeld:       atomic.LoadInt64(&r.c.LockHeld),
		FreshAfterLock: atomic.LoadInt64(&r.c.FreshAfterLock),
		Rejected:       atomic.LoadInt64(&r.c.Rejected),
		Failed:         atomic.LoadInt64(&r.c.Failed),
	}
}

type due struct {
	id       int64
	platform string
}

// tick finds the accounts due now and refreshes them, at most parallel at once. A stop lets started ones finish.
func (r *refresher) tick(ctx context.Context, parallel int) {
	atomic.AddInt64(&r.c.Ticks, 1)
	list, err := r.dueAccounts()
	if err != nil {
		atomic.AddInt64(&r.c.Failed, 1)
		fmt.Fprintf(os.Stderr, "inline_refresher %s: listing accounts failed: %v\n", r.name, err)
		return
	}
	mathrand.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	atomic.AddInt64(&r.c.Due, int64(len(list)))
	work := make(chan due)
	var wg sync.WaitGroup
	for i := 0; i < parallel; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				r.refreshOne(d)
			}
		}()
	}
	for _, d := range list {
		if ctx.Err() != nil {
			break
		}
		work <- d
	}
	close(work)
	wg.Wait()
}

func (r *refresher) dueAccounts() ([]due, error) {
	rows, err := r.db.Query(`SELECT id, platform, credentials->>'expires_at' FROM accounts
		WHERE deleted_at IS NULL AND status = 'active' AND type = 'oauth' AND platform IN ('anthropic', 'openai')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []due
	for rows.Next() {
		var d due
		var expiresAt sql.NullString
		if err := rows.Scan(&d.id, &d.platform, &expiresAt); err != nil {
			return nil, err
		}
		if r.expiring(expiresAt.String) {
			list = append(list, d)
		}
	}
	return list, rows.Err()
}

// expiring: the token expires within the window, or its expiry is unknown. expires_at is Unix seconds (a string
// or a number) or RFC 3339, as sub2api and the worker both accept.
func (r *refresher) expiring(expiresAt string) bool {
	at, ok := parseExpiry(expiresAt)
	return !ok || time.Until(at) <= r.window
}

func parseExpiry(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Unix(int64(secs), 0), true
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, true
	}
	return time.Time{}, false
}

func cacheKey(platform string, id int64) string {
	if platform == "anthropic" {
		return "claude:account:" + strconv.FormatInt(id, 10)
	}
	return platform + ":account:" + strconv.FormatInt(id, 10)
}

func (r *refresher) refreshOne(d due) {
	key := "oauth:refresh_lock:" + cacheKey(d.platform, d.id)
	owner := r.name + ":" + randomHex()
	conn := r.redis.Get()
	defer conn.Close()
	_, err := redis.String(conn.Do("SET", key, owner, "NX", "PX", r.lockTTL.Milliseconds()))
	if errors.Is(err, redis.ErrNil) {
		atomic.AddInt64(&r.c.LockHeld, 1)
		return
	}
	if err != nil {
		atomic.AddInt64(&r.c.Failed, 1)
		return
	}
	defer func() {
		if _, err := r.release.Do(conn, key, owner); err != nil {
			fmt.Fprintf(os.Stderr, "inline_refresher %s: release of %s failed: %v\n", r.name, key, err)
		}
	}()

	var raw []byte
	err = r.db.QueryRow(`SELECT credentials FROM accounts WHERE id = $1 AND deleted_at IS NULL AND status = 'active'`,
		d.id).Scan(&raw)
	if err != nil {
		atomic.AddInt64(&r.c.Failed, 1)
		return
	}
	var creds map[string]interface{}
	if err := json.Unmarshal(raw, &creds); err != nil {
		atomic.AddInt64(&r.c.Failed, 1)
		return
	}
	expiresAt := fmt.Sprint(creds["expires_at"])
	if n, ok := creds["expires_at"].(float64); ok {
		expiresAt = strconv.FormatFloat(n, 'f', 0, 64)
	}
	if !r.expiring(expiresAt) {
		atomic.AddInt64(&r.c.FreshAfterLock, 1) // someone refreshed it while this request waited
		return
	}
	refreshToken, _ := creds["refresh_token"].(string)
	tokens, status, code, err := r.callProvider(d.platform, refreshToken)
	if err != nil {
		atomic.AddInt64(&r.c.Failed, 1)
		return
	}
	if status != http.StatusOK {
		if code == "invalid_grant" || code == "refresh_token_reused" {
			atomic.AddInt64(&r.c.Rejected, 1)
		} else {
			atomic.AddInt64(&r.c.Failed, 1)
		}
		return
	}
	if err := r.merge(d.id, tokens); err != nil {
		// The provider rotated the token and this write failed: the real gateway would lose it here too.
		atomic.AddInt64(&r.c.Failed, 1)
		fmt.Fprintf(os.Stderr, "inline_refresher %s: account %d: write failed: %v\n", r.name, d.id, err)
		return
	}
	atomic.AddInt64(&r.c.Refreshed, 1)
}

type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Error        string `json:"error"`
}

// callProvider returns the answer, its HTTP status and its OAuth error code (never the body's text).
func (r *refresher) callProvider(platform, refreshToken string) (tokenAnswer, int, string, error) {
	p := r.providers[platform]
	var body io.Reader
	var contentType string
	if platform == "anthropic" {
		b, _ := json.Marshal(map[string]string{"grant_type": "refresh_token", "refresh_token": refreshToken,
			"client_id": p.clientID})
		body, contentType = bytes.NewReader(b), "application/json"
	} else {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken},
			"client_id": {p.clientID}, "scope": {"openid profile email"}}
		body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(http.MethodPost, p.url, body)
	if err != nil {
		return tokenAnswer{}, 0, "", err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", r.agent)
	resp, err := r.http.Do(req)
	if err != nil {
		return tokenAnswer{}, 0, "", err
	}
	defer resp.Body.Close()
	var answer tokenAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&answer); err != nil {
		return tokenAnswer{}, resp.StatusCode, "", nil
	}
	if resp.StatusCode == http.StatusOK && answer.AccessToken == "" {
		return tokenAnswer{}, 0, "", errors.New("no access_token in the answer")
	}
	return answer, resp.StatusCode, answer.Error, nil
}

// merge writes the keys this refresh owns into the stored credentials (never the whole map) and the outbox row.
func (r *refresher) merge(id int64, t tokenAnswer) error {
	now := time.Now()
	updates := map[string]interface{}{
		"access_token":   t.AccessToken,
		"expires_at":     strconv.FormatInt(now.Unix()+t.ExpiresIn, 10),
		"_token_version": now.UnixMilli(),
	}
	if t.RefreshToken != "" {
		updates["refresh_token"] = t.RefreshToken
	}
	patch, err := json.Marshal(updates)
	if err != nil {
		return err
	}
	tx, err := r.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`UPDATE accounts SET credentials = credentials || $2::jsonb, updated_at = now()
		WHERE id = $1 AND deleted_at IS NULL`, id, string(patch)); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO scheduler_outbox (event_type, account_id, payload)
		VALUES ('account_changed', $1, '{"reason":"token_refreshed"}'::jsonb)`, id); err != nil {
		return err
	}
	return tx.Commit()
}

func randomHex() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		fail("random: %v", err)
	}
	return hex.EncodeToString(b)
}
