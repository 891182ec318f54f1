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

// Behind a proxy that terminates TLS (the starter serves plain HTTP) the console's
// cookies are Secure, as they are over TLS directly; over plain HTTP they cannot be.
func TestCookiesAreSecureBehindATLSProxy(t *testing.T) {
	c := &Console{}
	for proto, secure := range map[string]bool{"https": true, "": false, "http": false} {
		r := httptest.NewRequest(http.MethodGet, "/console/lang?to=zh-CN", nil)
		if proto != "" {
			r.Header.Set("X-Forwarded-Proto", proto)
		}
		w := httptest.NewRecorder()
		c.setLang(w, r)
		cookies := w.Result().Cookies()
		if len(cookies) != 1 || cookies[0].Secure != secure {
			t.Errorf("X-Forwarded-Proto %q: cookies %v, want one, Secure %v", proto, cookies, secure)
		}
	}
}
