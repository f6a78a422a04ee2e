// An independent implementation of sub2api's encrypted account credentials (the facts in
// shared/reference/sub2api-interop.md), written against Go's standard library only, so that Go's own
// encoding/json decides the plaintext bytes. Used by EnvelopeCompatibilityIT to seal fixture rows for the
// worker and to open what the worker wrote.
//
//	envelope seal < requests.json   # [{"key_hex","key_id","account_id","platform","document":{...}}] -> [{...sealed}]
//	envelope open < requests.json   # [{"key_hex","key_id","account_id","platform","credentials":{...}}]
//	                                #   -> [{"ok":true,"document":{...},"plaintext":"..."} | {"ok":false,"error":"..."}]
package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
)

const (
	envelopeKey    = "__sub2api_credential_envelope"
	fingerprintKey = "__sub2api_credential_fingerprint"
	hasRefreshKey  = "__sub2api_has_refresh_token"
	ollamaKey      = "__sub2api_ollama_cloud_base_url"
	apiKeyIndexKey = "__sub2api_api_key_index"
	algorithm      = "AES-256-GCM"
)

type envelope struct {
	Version    int    `json:"version"`
	KeyID      string `json:"key_id"`
	Algorithm  string `json:"algorithm"`
	Nonce      string `json:"nonce"`
	Ciphertext string `json:"ciphertext"`
}

type aad struct {
	Scope              string `json:"scope"`
	Version            int    `json:"version"`
	KeyID              string `json:"key_id"`
	Algorithm          string `json:"algorithm"`
	AccountID          int64  `json:"account_id"`
	Platform           string `json:"platform"`
	Fingerprint        string `json:"fingerprint"`
	APIKeyIndex        string `json:"api_key_index,omitempty"`
	OllamaCloudBaseURL bool   `json:"ollama_cloud_base_url"`
	HasRefreshToken    bool   `json:"has_refresh_token"`
}

type request struct {
	KeyHex      string          `json:"key_hex"`
	KeyID       string          `json:"key_id"`
	AccountID   int64           `json:"account_id"`
	Platform    string          `json:"platform"`
	Document    json.RawMessage `json:"document"`
	Credentials json.RawMessage `json:"credentials"`
}

type keys struct {
	id    string
	aead  []byte
	index []byte
}

func derive(keyHex, keyID string) (keys, error) {
	master, err := hex.DecodeString(keyHex)
	if err != nil || len(master) != 32 {
		return keys{}, errors.New("key must be 64 hex characters")
	}
	return keys{id: keyID, aead: mac(master, []byte("sub2api/account-credentials/aead/v1")),
		index: mac(master, []byte("sub2api/account-credentials/index/v1"))}, nil
}

func mac(key, msg []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return h.Sum(nil)
}

func (k keys) indexOf(label string, data []byte) string {
	msg := append(append([]byte(label), 0), data...)
	return hex.EncodeToString(mac(k.index, msg))
}

func (k keys) aadBytes(accountID int64, platform, fingerprint, apiKeyIndex string, ollama, hasRefresh bool) []byte {
	b, err := json.Marshal(aad{Scope: "sub2api/accounts/credentials", Version: 1, KeyID: k.id, Algorithm: algorithm,
		AccountID: accountID, Platform: platform, Fingerprint: fingerprint, APIKeyIndex: apiKeyIndex,
		OllamaCloudBaseURL: ollama, HasRefreshToken: hasRefresh})
	if err != nil {
		panic(err)
	}
	return b
}

func ollamaCloud(v any) bool {
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return false
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return strings.EqualFold(u.Scheme, "https") && (host == "ollama.com" || host == "www.ollama.com")
}

func seal(k keys, accountID int64, platform string, doc map[string]any) (map[string]any, error) {
	plaintext, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	fingerprint := k.indexOf("credential-document", plaintext)
	rt, _ := doc["refresh_token"].(string)
	hasRefresh := strings.TrimSpace(rt) != ""
	ollama := ollamaCloud(doc["base_url"])
	apiKeyIndex := ""
	if apiKey, ok := doc["api_key"].(string); ok && apiKey != "" {
		apiKeyIndex = k.indexOf("api-key", []byte(apiKey))
	}
	block, err := aes.NewCipher(k.aead)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, err
	}
	ct := gcm.Seal(nil, nonce, plaintext, k.aadBytes(accountID, platform, fingerprint, apiKeyIndex, ollama, hasRefresh))
	out := map[string]any{
		envelopeKey: envelope{Version: 1, KeyID: k.id, Algorithm: algorithm,
			Nonce: base64.RawURLEncoding.EncodeToString(nonce), Ciphertext: base64.RawURLEncoding.EncodeToString(ct)},
		fingerprintKey: fingerprint,
		hasRefreshKey:  hasRefresh,
		ollamaKey:      ollama,
	}
	if apiKeyIndex != "" {
		out[apiKeyIndexKey] = apiKeyIndex
	}
	return out, nil
}

// open runs every opening check of the spec; any failure is an error.
func open(k keys, accountID int64, platform string, stored map[string]json.RawMessage) (map[string]any, []byte, error) {
	for name := range stored {
		switch name {
		case envelopeKey, fingerprintKey, hasRefreshKey, ollamaKey, apiKeyIndexKey:
		default:
			return nil, nil, fmt.Errorf("unexpected top-level key %q", name)
		}
	}
	rawEnv, ok := stored[envelopeKey]
	if !ok {
		return nil, nil, errors.New("no envelope")
	}
	dec := json.NewDecoder(bytes.NewReader(rawEnv))
	dec.DisallowUnknownFields()
	var env envelope
	if err := dec.Decode(&env); err != nil {
		return nil, nil, fmt.Errorf("envelope: %v", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(rawEnv, &fields); err != nil || len(fields) != 5 {
		return nil, nil, errors.New("envelope fields are not exactly the five known ones")
	}
	if env.Version != 1 || env.KeyID != k.id || env.Algorithm != algorithm {
		return nil, nil, errors.New("version, key id or algorithm mismatch")
	}
	var fingerprint string
	if err := json.Unmarshal(stored[fingerprintKey], &fingerprint); err != nil {
		return nil, nil, errors.New("fingerprint missing")
	}
	fpBytes, err := hex.DecodeString(fingerprint)
	if err != nil || len(fpBytes) != 32 {
		return nil, nil, errors.New("fingerprint is not 32-byte hex")
	}
	var hasRefresh, ollama *bool
	if json.Unmarshal(stored[hasRefreshKey], &hasRefresh) != nil || hasRefresh == nil ||
		json.Unmarshal(stored[ollamaKey], &ollama) != nil || ollama == nil {
		return nil, nil, errors.New("projection booleans missing")
	}
	apiKeyIndex := ""
	if raw, ok := stored[apiKeyIndexKey]; ok {
		if err := json.Unmarshal(raw, &apiKeyIndex); err != nil {
			return nil, nil, errors.New("api key index is not a string")
		}
	}
	nonce, err := base64.RawURLEncoding.DecodeString(env.Nonce)
	if err != nil || len(nonce) != 12 {
		return nil, nil, errors.New("nonce is not 12 bytes of unpadded base64url")
	}
	ct, err := base64.RawURLEncoding.DecodeString(env.Ciphertext)
	if err != nil {
		return nil, nil, errors.New("ciphertext is not unpadded base64url")
	}
	block, err := aes.NewCipher(k.aead)
	if err != nil {
		return nil, nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	plaintext, err := gcm.Open(nil, nonce, ct, k.aadBytes(accountID, platform, fingerprint, apiKeyIndex, *ollama, *hasRefresh))
	if err != nil {
		return nil, nil, errors.New("GCM open failed")
	}
	var doc map[string]any
	if err := json.Unmarshal(plaintext, &doc); err != nil || doc == nil {
		return nil, nil, errors.New("plaintext is not a JSON object")
	}
	recomputed, _ := hex.DecodeString(k.indexOf("credential-document", plaintext))
	if !hmac.Equal(recomputed, fpBytes) {
		return nil, nil, errors.New("fingerprint does not match the document")
	}
	return doc, plaintext, nil
}

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "seal" && os.Args[1] != "open") {
		fmt.Fprintln(os.Stderr, "usage: envelope seal|open < requests.json")
		os.Exit(2)
	}
	var requests []request
	if err := json.NewDecoder(os.Stdin).Decode(&requests); err != nil {
		fmt.Fprintln(os.Stderr, "requests:", err)
		os.Exit(2)
	}
	results := make([]any, 0, len(requests))
	for _, r := range requests {
		k, err := derive(r.KeyHex, r.KeyID)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if os.Args[1] == "seal" {
			var doc map[string]any
			if err := json.Unmarshal(r.Document, &doc); err != nil {
				fmt.Fprintln(os.Stderr, "document:", err)
				os.Exit(2)
			}
			sealed, err := seal(k, r.AccountID, r.Platform, doc)
			if err != nil {
				fmt.Fprintln(os.Stderr, "seal:", err)
				os.Exit(1)
			}
			results = append(results, sealed)
			continue
		}
		var stored map[string]json.RawMessage
		if err := json.Unmarshal(r.Credentials, &stored); err != nil {
			results = append(results, map[string]any{"ok": false, "error": "credentials are not an object"})
			continue
		}
		doc, plaintext, err := open(k, r.AccountID, r.Platform, stored)
		if err != nil {
			results = append(results, map[string]any{"ok": false, "error": err.Error()})
			continue
		}
		results = append(results, map[string]any{"ok": true, "document": doc, "plaintext": string(plaintext)})
	}
	out, err := json.Marshal(results)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}
