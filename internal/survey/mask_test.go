package survey

import (
	"strings"
	"testing"
	"time"
)

func TestLinksAreMaskedAndRestoredFromTheFreshMessage(t *testing.T) {
	token := Sign([]byte("k"), Token{SurveyID: "6f1c6d1e-0000-4000-8000-000000000001", ExpiresAt: time.Unix(1_800_000_000, 0)})
	other := Sign([]byte("k"), Token{SurveyID: "6f1c6d1e-0000-4000-8000-000000000002", ExpiresAt: time.Unix(1_800_000_000, 0)})
	body := "Please answer: https://cf.example/v1/surveys/" + token + "\nor {\"survey_link\":\"https://cf.example/v1/surveys/" + token + "\"}"

	masked := MaskLinks(body)
	if strings.Contains(masked, token) || strings.Count(masked, "/v1/surveys/sha256:") != 2 {
		t.Fatalf("masked = %q", masked)
	}
	if MaskLinks(masked) != masked {
		t.Fatalf("masking a masked text changed it")
	}
	if got := RestoreLinks(masked, body); got != body {
		t.Fatalf("restored = %q, want %q", got, body)
	}
	// Another survey's link restores nothing: a row only gets back its own token.
	if got := RestoreLinks(masked, "https://cf.example/v1/surveys/"+other); got != masked {
		t.Fatalf("restored with another link = %q", got)
	}
	if got := MaskLinks("/v1/surveys/abc"); got != "/v1/surveys/abc" {
		t.Fatalf("a path without a token changed: %q", got)
	}
}
