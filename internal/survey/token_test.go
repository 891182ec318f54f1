package survey

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSignedTokenVerifiesUntilItExpires(t *testing.T) {
	key := []byte("k1")
	expires := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	token := Sign(key, Token{SurveyID: "6f1c6d1e-0000-4000-8000-000000000001", ExpiresAt: expires})

	got, err := Verify(key, token, expires.Add(-time.Second))
	if err != nil || got.SurveyID != "6f1c6d1e-0000-4000-8000-000000000001" || !got.ExpiresAt.Equal(expires) {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	if _, err := Verify(key, token, expires); !errors.Is(err, ErrExpired) {
		t.Fatalf("at expiry: err = %v, want ErrExpired", err)
	}
}

func TestForgedTokensAreRefused(t *testing.T) {
	key := []byte("k1")
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	genuine := Sign(key, Token{SurveyID: "a", ExpiresAt: now.Add(time.Hour)})
	payload, sig, _ := strings.Cut(genuine, ".")
	// Same survey, a later expiry, the old signature: the payload no longer matches.
	extended := Sign(key, Token{SurveyID: "a", ExpiresAt: now.Add(1000 * time.Hour)})
	extendedPayload, _, _ := strings.Cut(extended, ".")
	for name, token := range map[string]string{
		"other key":         Sign([]byte("k2"), Token{SurveyID: "a", ExpiresAt: now.Add(time.Hour)}),
		"payload swapped":   extendedPayload + "." + sig,
		"signature cut":     payload + "." + sig[:10],
		"no signature":      payload,
		"empty":             "",
		"not base64":        "!!!.???",
		"signed but empty":  Sign(key, Token{SurveyID: "", ExpiresAt: now.Add(time.Hour)}),
		"flipped last char": genuine[:len(genuine)-1] + flip(genuine[len(genuine)-1]),
	} {
		if _, err := Verify(key, token, now); !errors.Is(err, ErrForged) {
			t.Errorf("%s: err = %v, want ErrForged", name, err)
		}
	}
	// An expired forgery is reported as forged, not expired.
	if _, err := Verify(key, Sign([]byte("k2"), Token{SurveyID: "a", ExpiresAt: now.Add(-time.Hour)}), now); !errors.Is(err, ErrForged) {
		t.Errorf("expired forgery: err = %v, want ErrForged", err)
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
