package console

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A sign-in form past maxFormBytes is not read whole (it was, up to ~42 MB, for
// anyone): the token after the padding is never looked up — this console has no API,
// so a lookup would panic — and the form is answered as empty.
func TestSignInReadsNoMoreThanAFormsWorth(t *testing.T) {
	c := withPage(t, "login")
	body := "pad=" + strings.Repeat("x", maxFormBytes) + "&token=cf_secret"
	r := httptest.NewRequest(http.MethodPost, "/console/login", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	c.signIn(w, r)
	if w.Code != http.StatusBadRequest {
		t.Errorf("an oversized sign-in form: HTTP %d, want 400", w.Code)
	}
}
