package survey

import (
	"errors"
	"testing"
	"time"
)

// FuzzSurveyToken fuzzes the survey link's token, the one credential a customer
// holds: Verify never panics, refuses anything but ErrForged or ErrExpired, and
// accepts only the one string Sign makes for the token it returns — so no altered
// token (a flipped bit, another encoding of the same bytes) passes as genuine.
func FuzzSurveyToken(f *testing.F) {
	key := []byte("fuzz-key-0123456789abcdef0123456")
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	genuine := Sign(key, Token{SurveyID: "3f1c2a9e-6b7d-4c1e-9a2b-1c2d3e4f5a6b", ExpiresAt: now.Add(72 * time.Hour)})
	for _, s := range []string{
		genuine, genuine + "A", genuine[:len(genuine)-1], genuine[1:], "." + genuine, genuine + ".",
		Sign(key, Token{SurveyID: "s", ExpiresAt: now.Add(-time.Hour)}),
		Sign([]byte("another key"), Token{SurveyID: "s", ExpiresAt: now.Add(time.Hour)}),
		"", ".", "..", "a.b", "%00", "\x00.\x00", "urn:uuid:3f1c2a9e-6b7d-4c1e-9a2b-1c2d3e4f5a6b",
		"eyJhbGciOiJub25lIn0.e30.", "../../etc/passwd", "\xff\xfe.\xfd",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		tok, err := Verify(key, token, now)
		switch {
		case err == nil:
			if tok.SurveyID == "" || !now.Before(tok.ExpiresAt) {
				t.Fatalf("%q accepted as %+v", token, tok)
			}
			if again := Sign(key, tok); again != token {
				t.Fatalf("%q accepted, but the token %+v is signed as %q", token, tok, again)
			}
		case errors.Is(err, ErrExpired):
			if Sign(key, tok) != token {
				t.Fatalf("%q: expired, but not a token this key signed", token)
			}
		case !errors.Is(err, ErrForged):
			t.Fatalf("%q: %v, want ErrForged or ErrExpired", token, err)
		}
	})
}
