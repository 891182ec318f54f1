// Package survey holds satisfaction surveys: the record of one (Survey, which the
// store fills) and the tokens of their links, which it signs and checks. A token
// names one survey and when it expires, signed with HMAC-SHA256 under a key only the
// service knows, so a customer can answer without an account and nobody can answer a
// survey they were not sent.
package survey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Errors Verify returns.
var (
	// ErrForged: the token is malformed or its signature does not match.
	ErrForged = errors.New("survey token is not valid")
	// ErrExpired: the token is genuine but its survey has expired.
	ErrExpired = errors.New("survey token has expired")
)

// Strict: one token string per token (no slack in the unused trailing bits).
var encoding = base64.RawURLEncoding.Strict()

// Token is what a survey link carries: the survey and its expiry.
type Token struct {
	SurveyID  string
	ExpiresAt time.Time
}

// Sign returns the token's URL-safe string: payload "." signature.
func Sign(key []byte, t Token) string {
	payload := t.SurveyID + "." + strconv.FormatInt(t.ExpiresAt.Unix(), 10)
	return encoding.EncodeToString([]byte(payload)) + "." + encoding.EncodeToString(mac(key, payload))
}

// Verify checks the signature first (so a forged token learns nothing about
// expiry), then the expiry against now.
func Verify(key []byte, token string, now time.Time) (Token, error) {
	encPayload, encSig, ok := strings.Cut(token, ".")
	if !ok {
		return Token{}, ErrForged
	}
	payload, err1 := encoding.DecodeString(encPayload)
	sig, err2 := encoding.DecodeString(encSig)
	if err1 != nil || err2 != nil || !hmac.Equal(sig, mac(key, string(payload))) {
		return Token{}, ErrForged
	}
	// The decoder skips \r and \n: without this, a link with them inside would
	// answer as the genuine one, a second spelling of the customer's credential.
	if encoding.EncodeToString(payload) != encPayload || encoding.EncodeToString(sig) != encSig {
		return Token{}, fmt.Errorf("%w: not in canonical form", ErrForged)
	}
	id, expires, ok := strings.Cut(string(payload), ".")
	unix, err := strconv.ParseInt(expires, 10, 64)
	if !ok || id == "" || err != nil {
		return Token{}, fmt.Errorf("%w: malformed payload", ErrForged)
	}
	t := Token{SurveyID: id, ExpiresAt: time.Unix(unix, 0).UTC()}
	if !now.Before(t.ExpiresAt) {
		return t, ErrExpired
	}
	return t, nil
}

func mac(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("complaintflow-survey\x00" + payload))
	return h.Sum(nil)
}
