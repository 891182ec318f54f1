package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Hostile input on every route of the router's own table (Server.Routes): SQL
// injection, path traversal, NUL bytes, urn:uuid and braced IDs, bytes that are not
// UTF-8 in the path, the query and the body, a 10 MB body and JSON nested deeper
// than any decoder should follow. Whatever the route, the answer is never a 5xx,
// and no row of any table is written. A route added later is covered as it is
// registered.

// writtenTables are the tables a request could write; the API's latency minutes
// and console sessions are written in the background and left out.
var writtenTables = []string{
	"api_tokens", "api_token_generation", "api_token_retired_hashes", "calendars", "classification_rules",
	"compensation_limits", "compensations", "complaint_events", "complaint_metrics", "complaints",
	"escalations", "feedback", "improvement_backlog", "integrations", "knowledge_article_events",
	"knowledge_articles", "message_templates", "notifications", "pdca_checks", "pdca_cycles", "pdca_events",
	"people", "personal_data_reveals", "qa_samples", "qa_scorecard", "review_schedules", "reviews",
	"risk_alert_events", "risk_alerts", "routing_rules", "settings", "sla_policies", "surveys", "teams",
}

// hostileIDs replace a route's path parameters: none names anything, and each must
// be refused as such (4xx), never reach PostgreSQL as a malformed uuid or text.
var hostileIDs = map[string]string{
	"sql injection":    escaped("' OR '1'='1"),
	"sql statement":    escaped("1; DROP TABLE complaints;--"),
	"path traversal":   "..%2F..%2F..%2Fetc%2Fpasswd",
	"dot dot":          "..",
	"NUL":              "%00",
	"NUL after uuid":   uuid.NewString() + "%00",
	"urn:uuid":         "urn:uuid:" + uuid.NewString(),
	"braced uuid":      "%7B" + uuid.NewString() + "%7D",
	"bare hex uuid":    strings.ReplaceAll(uuid.NewString(), "-", ""),
	"invalid UTF-8":    "%FF%FE%80",
	"control char":     "a%01b",
	"overlong":         strings.Repeat("a", 5000),
	"percent-encoding": "%25%32%65%25%32%65",
}

// hostileQueries are added to every route; the central check refuses the first
// three and the unknown parameters before any handler, the SQL ones must be
// refused or harmless.
var hostileQueries = map[string]string{
	"NUL value":          "status=%00",
	"NUL name":           "a%00b=1",
	"invalid UTF-8":      "q=%FF%FE",
	"sql in a filter":    "status=" + escaped("open' OR '1'='1") + "&category=" + escaped("x'; DROP TABLE complaints;--"),
	"sql in limit":       "limit=" + escaped("1; DELETE FROM complaints"),
	"sql in cursor":      "cursor=" + escaped("' UNION SELECT * FROM api_tokens--"),
	"unknown parameters": "id=" + escaped("urn:uuid:"+uuid.NewString()),
}

// hostileBodies are sent to every route that takes a body, with valid path
// parameters, so the body's decoding is what answers.
func hostileBodies() map[string][]byte {
	deep := strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000)
	deepArray := strings.Repeat("[", 9_000) + strings.Repeat("]", 9_000)
	return map[string][]byte{
		"NUL in a string":      []byte(`{"description":"a\u0000b","subject":"\u0000","reason":"x\u0000","message":"\u0000"}`),
		"NUL in a member name": []byte(`{"a\u0000":"b"}`),
		"NUL in every value":   []byte(`{"name":"\u0000","id":"\u0000","role":"\u0000","spec":"\u0000","rules":[{"keywords":["\u0000"]}],"plan":{"root_cause":"\u0000"}}`),
		"invalid UTF-8":        append([]byte(`{"description":"`), 0xff, 0xfe, '"', '}'),
		"invalid UTF-8 member": append([]byte(`{"`), 0xc3, 0x28, '"', ':', '1', '}'),
		"sql injection":        []byte(`{"description":"'; DROP TABLE complaints;--","name":"' OR '1'='1","id":"1 OR 1=1"}`),
		"sql as the body":      []byte(`'; DROP TABLE complaints;--`),
		"10 MB":                bytes.Repeat([]byte(`{"a":"`+strings.Repeat("x", 1<<20)), 10),
		"10 MB valid JSON":     []byte(`{"description":"` + strings.Repeat("x", 10<<20) + `"}`),
		"deep nesting":         []byte(deep),
		"deep array":           []byte(deepArray),
		"urn:uuid ids":         []byte(`{"complaint_id":"urn:uuid:` + uuid.NewString() + `","cycle_id":"urn:uuid:` + uuid.NewString() + `","to_person_id":"urn:uuid:x"}`),
		"lone surrogate":       []byte(`{"description":"\ud800","name":"\udfff"}`),
		"huge number":          []byte(`{"amount":1e999999,"seq":99999999999999999999999,"score":-1e400}`),
	}
}

func escaped(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "'", "%27", ";", "%3B", "=", "%3D", "#", "%23",
		"&", "%26", "/", "%2F", "?", "%3F", "+", "%2B").Replace(s)
}

type hostileAPI struct {
	t      *testing.T
	url    string
	store  *store.Store
	routes []api.Route
	tokens map[auth.Role]string
	valid  map[string]string // a value per path parameter naming something that exists
}

func newHostileAPI(t *testing.T) *hostileAPI {
	t.Helper()
	ctx := context.Background()
	// No worker polls the queue: a workflow a request started would wait, and its
	// row would show in the counts.
	srv := newAPIServer(t, true, false)
	st := srv.store
	a := &hostileAPI{t: t, url: srv.url, store: st, routes: srv.srv.Routes(), tokens: roleTokens(t, st, "hostile-")}
	id := uuid.NewString()
	if _, _, err := st.CreateComplaint(ctx, store.NewComplaint{
		ID: id, ExternalID: "hostile-1", RequestHash: "h-hostile-1", WorkflowID: "complaint:" + id,
		Channel: "web", CustomerID: "c-hostile", CustomerName: "王芳", CustomerTier: complaint.Low,
		Category: "logistics", Urgency: complaint.Medium, Subject: "包裹丢失", Description: "详情见附件",
	}); err != nil {
		t.Fatal(err)
	}
	// The survey key is made on the first use of a survey link, one row of settings
	// that is no hostile request's doing: made here, before any count.
	if status, _, raw := a.send(api.Route{Pattern: "GET /v1/surveys/{token}"}, "/v1/surveys/x", "", nil); status != http.StatusUnauthorized {
		t.Fatalf("a forged survey token: %d %s, want 401", status, raw)
	}
	a.ready()
	a.valid = map[string]string{"id": id, "seq": "1", "urgency": "high", "tier": "vip", "source": "web",
		"category": "logistics", "token": "x", "key": "survey_invitation", "locale": "en", "action": "pause"}
	return a
}

// ready waits until /readyz answers 200 (the dictionary loads when the handler is
// built), so its 503 while loading is not taken for a failure.
func (a *hostileAPI) ready() {
	a.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		status, _, raw := a.send(api.Route{Pattern: "GET /readyz"}, "/readyz", "", nil)
		if status == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("/readyz: %d %s after 3 minutes", status, raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// takesNoBody are the routes whose request has no body: what they do, they do on
// any request their path names, so their body and query cases name nothing.
var takesNoBody = map[string]bool{
	"POST /v1/complaints/{id}/reveal": true,
}

// rows is the number of rows in every table a request could write.
func (a *hostileAPI) rows() map[string]int {
	a.t.Helper()
	out := map[string]int{}
	for _, table := range writtenTables {
		var n int
		if err := a.store.DB().Get(&n, `SELECT count(*) FROM `+table); err != nil {
			a.t.Fatalf("counting %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// send makes one request as a role the route admits (admin when it may, so the
// input reaches the handler) and returns its status and Content-Type.
func (a *hostileAPI) send(route api.Route, path, query string, body []byte) (int, string, string) {
	a.t.Helper()
	method, _, _ := strings.Cut(route.Pattern, " ")
	target := a.url + path
	if query != "" {
		target += "?" + query
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, target, err)
	}
	if len(route.Roles) > 0 {
		role := route.Roles[0]
		if slices.Contains(route.Roles, auth.RoleAdmin) {
			role = auth.RoleAdmin
		}
		req.Header.Set("Authorization", "Bearer "+a.tokens[role])
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{
		Timeout:       2 * time.Minute, // generous: the machine is shared
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}).Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(raw)
}

var pathParam = regexp.MustCompile(`\{([A-Za-z_]+)(?:\.\.\.)?\}`)

// fill substitutes each path parameter of the route's pattern with value(name).
func fill(pattern string, value func(name string) string) string {
	_, path, _ := strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	return pathParam.ReplaceAllStringFunc(path, func(m string) string {
		return value(pathParam.FindStringSubmatch(m)[1])
	})
}

func TestHostileInputOnEveryRoute(t *testing.T) {
	a := newHostileAPI(t)
	if len(a.routes) < 50 {
		t.Fatalf("the route table lists %d routes; the test reads the wrong table", len(a.routes))
	}
	bodies := hostileBodies()
	requests := 0
	for _, route := range a.routes {
		method, _, _ := strings.Cut(route.Pattern, " ")
		before := a.rows()
		check := func(kind, path, query string, body []byte, wantProblem bool) {
			t.Helper()
			requests++
			status, ct, raw := a.send(route, path, query, body)
			if status >= 500 {
				t.Errorf("%s with %s: %d %.300s", route.Pattern, kind, status, raw)
				return
			}
			if wantProblem && (status < 400 || !strings.HasPrefix(ct, "application/problem+json")) {
				t.Errorf("%s with %s: %d %s %.300s, want a 4xx problem", route.Pattern, kind, status, ct, raw)
			}
		}
		valid := fill(route.Pattern, func(name string) string { return a.valid[name] })
		if takesNoBody[route.Pattern] {
			valid = fill(route.Pattern, func(string) string { return uuid.NewString() })
		}
		if pathParam.MatchString(route.Pattern) {
			for kind, id := range hostileIDs {
				for _, name := range pathParam.FindAllStringSubmatch(route.Pattern, -1) {
					path := fill(route.Pattern, func(n string) string {
						if n == name[1] {
							return id
						}
						return a.valid[n]
					})
					// "..", "%2F" and a cleaned path may be redirected by the mux: 3xx
					// reaches no handler, and is allowed for traversal only.
					traversal := strings.Contains(id, "..") || strings.Contains(id, "%2F")
					check("path "+name[1]+" "+kind, path, "", jsonBody(method), !traversal)
				}
			}
		}
		for kind, q := range hostileQueries {
			// A filter holding SQL is only text: the route answers as it would to any
			// unknown value (400, or 200 for a route that reads no query). A parameter
			// the operation does not declare is refused on every route.
			wantProblem := !strings.HasPrefix(kind, "sql")
			// No body: an empty object is a valid request on some routes (a PUT of
			// settings), and what it writes would be no doing of the query.
			check("query "+kind, valid, q, nil, wantProblem)
		}
		if method != http.MethodGet && method != http.MethodDelete && method != http.MethodHead {
			for kind, body := range bodies {
				check("body "+kind, valid, "", body, kind != "sql injection" && kind != "lone surrogate")
			}
		}
		if after := a.rows(); !equalCounts(before, after) {
			t.Errorf("%s: hostile requests wrote rows: before %v, after %v", route.Pattern, before, after)
		}
	}
	t.Logf("%d hostile requests over %d routes", requests, len(a.routes))
}

// jsonBody is an empty object for a method that takes a body.
func jsonBody(method string) []byte {
	if method == http.MethodGet || method == http.MethodDelete || method == http.MethodHead {
		return nil
	}
	return []byte(`{}`)
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}
