package console

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

const openedCycle = "00000000-0000-0000-0000-0000000000c1"

// openingConsole is a console over an API that lists no cycle and answers a cycle's
// opening as the API does: a keyword_volume cycle without its keyword is a 400
// naming the keyword (and a target that does not improve), anything else is
// opened. The openings sent are in *sent.
func openingConsole(t *testing.T, sent *[]sentWrite) *Console {
	t.Helper()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/v1/pdca-cycles" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"items":[],"next_cursor":null}`)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/v1/pdca-cycles" {
			http.NotFound(w, r)
			return
		}
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		*sent = append(*sent, sentWrite{Path: r.URL.Path, Key: r.Header.Get("Idempotency-Key"), Body: body})
		if body["metric"] == "keyword_volume" && body["keyword"] == nil {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"type":"about:blank","title":"Bad Request","status":400,"code":"invalid_request","errors":[`+
				`{"field":"keyword","code":"required","message":"is required"},`+
				`{"field":"target","code":"out_of_range","message":"90 does not improve on the baseline 40"}]}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"`+openedCycle+`","title":"opened"}`)
	})
	client, err := apiclient.NewClient("http://fake", apiclient.WithHTTPClient(&http.Client{Transport: inProcess{handler: h}}))
	if err != nil {
		t.Fatal(err)
	}
	c := &Console{client: client, pages: map[string]*template.Template{}, log: slog.New(slog.DiscardHandler), grants: apiGrants()}
	if err := c.parseFirstPages(); err != nil {
		t.Fatal(err)
	}
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	return c
}

// postOpen sends the board's open form as role.
func postOpen(c *Console, role auth.Role, form url.Values) *httptest.ResponseRecorder {
	form.Set("csrf", "csrf")
	r := httptest.NewRequest(http.MethodPost, "/console/pdca", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: string(role), Role: role}, CSRF: "csrf"}
	w := httptest.NewRecorder()
	c.openCycle(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	return w
}

// The board offers the form that opens a cycle to the roles the API lets open one
// (POST /v1/pdca-cycles: quality, admin); a manager, who reads the board, and an
// agent see a note naming them instead. The form names each metric in the viewer's
// language, explains the keyword, shows the API's default check schedule and
// leaves the zone to the browser.
func TestBoardOffersTheOpenFormToWhoMayOpen(t *testing.T) {
	var sent []sentWrite
	c := openingConsole(t, &sent)
	formOfferedTo(t, c.pdcaBoard, "/console/pdca", "form-open-cycle", "open-cycle-who", "quality, admin", auth.RoleQuality, auth.RoleAdmin)
	_, body := getAs(t, c.pdcaBoard, auth.RoleQuality, "/console/pdca")
	for _, want := range []string{`action="/console/pdca"`, `name="idempotency_key" value="`,
		`<option value="keyword_volume">Complaints with the keyword (count)</option>`,
		`<option value="logistics">logistics</option>`,
		`id="open-keyword" name="keyword" aria-describedby="open-keyword-hint"`,
		`id="open-zone" name="time_zone" aria-describedby="open-zone-hint" placeholder="UTC" data-zone="browser" value=""`,
		`placeholder="0 9 1,15 * *"`, `id="open-iterations" name="max_iterations" inputmode="numeric" placeholder="6"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the open form lacks %q: %s", want, snippet(body, "form-open-cycle"))
		}
	}
	if strings.Contains(body, `id="open-cycle" open`) {
		t.Error("the open form is drawn unfolded before anything was sent")
	}
	req := httptest.NewRequest(http.MethodGet, "/console/pdca", nil)
	req.Header.Set("Accept-Language", "zh-CN")
	v := viewer{Principal: auth.Principal{TokenID: "tok", Role: auth.RoleQuality}, CSRF: "csrf"}
	w := httptest.NewRecorder()
	c.pdcaBoard(w, req.WithContext(context.WithValue(req.Context(), viewerKey{}, v)))
	if zh := w.Body.String(); !strings.Contains(zh, `<option value="keyword_volume">含关键词的投诉量（件）</option>`) ||
		!strings.Contains(zh, "新建 PDCA 循环") {
		t.Errorf("the Chinese open form: %s", snippet(zh, "form-open-cycle"))
	}
}

// Sent, the form opens the cycle through the API under the form's key — the same
// form sent twice is the same key, so the API opens one — with the numbers as
// numbers and empty fields left out, and shows the new cycle's page.
func TestOpenFormOpensTheCycleUnderItsKey(t *testing.T) {
	var sent []sentWrite
	c := openingConsole(t, &sent)
	form := func() url.Values {
		return url.Values{"idempotency_key": {"k1"}, "title": {" Fewer late parcels "}, "metric": {"resolution_rate_pct"},
			"category": {"logistics"}, "keyword": {""}, "baseline": {"60"}, "target": {"80.5"}, "time_zone": {"Asia/Shanghai"},
			"check_spec": {""}, "max_iterations": {"4"}}
	}
	for range 2 {
		w := postOpen(c, auth.RoleQuality, form())
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/pdca/"+openedCycle {
			t.Fatalf("open: %d to %q, want 303 to the cycle's page", w.Code, w.Header().Get("Location"))
		}
	}
	if len(sent) != 2 {
		t.Fatalf("sent %v, want the two openings", sent)
	}
	got, _ := json.Marshal(sent[0].Body)
	want := `{"baseline":60,"category":"logistics","max_iterations":4,"metric":"resolution_rate_pct","target":80.5,` +
		`"time_zone":"Asia/Shanghai","title":"Fewer late parcels"}`
	if string(got) != want {
		t.Errorf("sent %s, want %s", got, want)
	}
	if sent[0].Key == "" || sent[1].Key != sent[0].Key {
		t.Errorf("keys %q then %q: want the same form under one key", sent[0].Key, sent[1].Key)
	}
	edited := form()
	edited.Set("target", "85")
	postOpen(c, auth.RoleQuality, edited)
	if sent[2].Key == sent[0].Key {
		t.Error("the form edited went under the first one's key: the API would answer the first cycle for it")
	}
}

// A refusal (400) shows the board again with the form unfolded, what was typed and
// the key it was sent with, and each field's message beside its field.
func TestOpenFormShowsTheRefusalAtItsFields(t *testing.T) {
	var sent []sentWrite
	c := openingConsole(t, &sent)
	w := postOpen(c, auth.RoleQuality, url.Values{"idempotency_key": {"k1"}, "title": {"Fewer 物流慢 complaints"},
		"metric": {"keyword_volume"}, "baseline": {"40"}, "target": {"90"}, "time_zone": {"UTC"}, "check_spec": {"0 9 * * 1"}})
	body := w.Body.String()
	if w.Code != http.StatusBadRequest {
		t.Fatalf("a refused opening: %d, want 400: %.300s", w.Code, body)
	}
	for _, want := range []string{`id="open-cycle" open`, `name="idempotency_key" value="k1"`,
		`id="open-title" name="title" value="Fewer 物流慢 complaints"`, `<option value="keyword_volume" selected>`,
		`id="open-keyword" name="keyword" aria-invalid="true" aria-describedby="open-keyword-hint open-keyword-error"`,
		`<span id="open-keyword-error" class="error" role="alert">is required</span>`,
		`<span id="open-target-error" class="error" role="alert">90 does not improve on the baseline 40</span>`,
		`id="open-baseline" name="baseline" inputmode="decimal" value="40"`,
		`id="open-zone" name="time_zone" aria-describedby="open-zone-hint" placeholder="UTC" value="UTC"`,
		`value="0 9 * * 1"`, `id="refusal"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q: %s", want, snippet(body, "form-open-cycle"))
		}
	}
}
