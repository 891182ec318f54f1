package console

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestLangOf(t *testing.T) {
	tests := []struct {
		name, cookie, accept, want string
	}{
		{"nothing said is English", "", "", langEN},
		{"Simplified Chinese", "", "zh-CN,zh;q=0.9,en;q=0.8", langZH},
		{"any Chinese is Simplified", "", "zh-TW", langZH},
		{"English first", "", "en-US,zh-CN;q=0.5", langEN},
		{"preference order, not header order", "", "en;q=0.4,zh;q=0.9", langZH},
		{"unsupported falls through to the next", "", "fr-FR,zh;q=0.5", langZH},
		{"only unsupported is English", "", "fr-FR,de", langEN},
		{"malformed header is English", "", ";;;q=x", langEN},
		{"cookie beats the header", langEN, "zh-CN", langEN},
		{"cookie chooses Chinese", langZH, "en-US", langZH},
		{"unknown cookie is ignored", "fr", "zh-CN", langZH},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/console/", nil)
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: langCookie, Value: tt.cookie})
			}
			if got := langOf(r); got != tt.want {
				t.Errorf("langOf = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSetLang(t *testing.T) {
	tests := []struct {
		query, wantLocation, wantCookie string
		wantStatus                      int
	}{
		{"to=zh-CN&back=/console/complaints/x%3Fa%3D1", "/console/complaints/x?a=1", langZH, http.StatusSeeOther},
		{"to=en&back=/console/escalations", "/console/escalations", langEN, http.StatusSeeOther},
		{"to=en&back=https://evil.example/console/", "/console/", langEN, http.StatusSeeOther},
		{"to=en&back=//evil.example/console/", "/console/", langEN, http.StatusSeeOther},
		{"to=en&back=/v1/complaints", "/console/", langEN, http.StatusSeeOther},
		{"to=fr", "", "", http.StatusBadRequest},
	}
	c := &Console{}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			w := httptest.NewRecorder()
			c.setLang(w, httptest.NewRequest(http.MethodGet, "/console/lang?"+tt.query, nil))
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Location"); got != tt.wantLocation {
				t.Errorf("Location = %q, want %q", got, tt.wantLocation)
			}
			var got string
			for _, ck := range w.Result().Cookies() {
				if ck.Name == langCookie {
					got = ck.Value
				}
			}
			if got != tt.wantCookie {
				t.Errorf("cookie = %q, want %q", got, tt.wantCookie)
			}
		})
	}
}

// Every text of the catalog has both languages, so no Chinese page shows English by
// omission.
func TestCatalogComplete(t *testing.T) {
	for id, m := range messages {
		if m.en == "" || m.zh == "" {
			t.Errorf("%s: en %q, zh %q", id, m.en, m.zh)
		}
	}
	if got := translate(langZH, "nav.queue"); got != "队列" {
		t.Errorf("zh nav.queue = %q", got)
	}
	if got := translate(langEN, "esc.none"); got != "No escalation waits for you." {
		t.Errorf("en esc.none = %q", got)
	}
}
