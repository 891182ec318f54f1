package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// A survey link is the customer's credential: whoever holds it answers for them.
// It goes out in full to the customer (and the intake system's callback) and is kept
// nowhere else in full: rows, logs and Temporal's histories hold its masked form,
// the path /v1/surveys/ followed by "sha256:" and the first 32 hex digits of the
// token's SHA-256 — enough to tell which link a row holds, useless to answer with.

// tokenInLink matches a token in a survey link; a masked token (no ".") never matches.
var tokenInLink = regexp.MustCompile(`/v1/surveys/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)`)

// MaskedToken is the masked form of a token. Migration 00026 computes the same
// form in SQL for rows written before the links were masked.
func MaskedToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// MaskLinks replaces the token of every survey link in s by its masked form.
func MaskLinks(s string) string {
	return tokenInLink.ReplaceAllStringFunc(s, func(m string) string {
		return "/v1/surveys/" + MaskedToken(strings.TrimPrefix(m, "/v1/surveys/"))
	})
}

// RestoreLinks puts back into masked the tokens of the survey links in fresh whose
// masked forms it holds: a stored message, its links masked, becomes again the one
// to send. The tokens come from fresh (the message rebuilt by the same attempt),
// never from storage.
func RestoreLinks(masked, fresh string) string {
	for _, m := range tokenInLink.FindAllStringSubmatch(fresh, -1) {
		masked = strings.ReplaceAll(masked, "/v1/surveys/"+MaskedToken(m[1]), "/v1/surveys/"+m[1])
	}
	return masked
}
