package console

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// fakeAPI answers a GET with the JSON of answers[path] (404 without one) and a write
// with 200 {} after recording it: the API a shift manager's pages are drawn from.
type fakeAPI struct {
	answers map[string]any
	writes  []sentWrite
	gets    []string // the paths and queries read, in order
	// teams places people in teams, as the directory behind the API's rule of who
	// may act on a complaint (auth.MayActOn) would.
	teams map[string]string
}

// sentWrite is one write the console sent: its path, Idempotency-Key and JSON body.
type sentWrite struct {
	Path, Key string
	Body      map[string]any
	IfMatch   string // the version it was sent against, if any
}

func (f *fakeAPI) console(t *testing.T) *Console {
	t.Helper()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			var b []byte
			if r.Body != nil { // a review or a retirement has none
				b, _ = io.ReadAll(r.Body)
			}
			var body map[string]any
			_ = json.Unmarshal(b, &body)
			f.writes = append(f.writes, sentWrite{r.URL.Path, r.Header.Get("Idempotency-Key"), body, r.Header.Get("If-Match")})
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "{}")
			return
		}
		f.gets = append(f.gets, r.URL.RequestURI())
		a, ok := f.answers[r.URL.Path]
		if !ok {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"type":"about:blank","title":"not found","status":404,"code":"not_found"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(a)
	})
	client, err := apiclient.NewClient("http://fake", apiclient.WithHTTPClient(&http.Client{Transport: inProcess{handler: h}}))
	if err != nil {
		t.Fatal(err)
	}
	c := &Console{client: client, pages: map[string]*template.Template{}, log: slog.New(slog.DiscardHandler), grants: apiGrants(),
		acting: func(_ context.Context, p auth.Principal, a auth.Assignment) (string, error) {
			return p.MayActOn(a, f.teams[p.PersonID]), nil
		}}
	if err := c.parseFirstPages(); err != nil {
		t.Fatal(err)
	}
	return c
}

func items(v ...any) map[string]any { return map[string]any{"items": v} }

const shiftComplaint = "00000000-0000-0000-0000-00000000c0de"

var shiftNow = time.Now().UTC().Truncate(time.Second)

func ago(d time.Duration) string { return shiftNow.Add(-d).Format(time.RFC3339) }

// complaintJSON is a complaint as the API answers it, with fields set over the
// defaults.
func complaintJSON(set map[string]any) map[string]any {
	c := map[string]any{"id": shiftComplaint, "subject": "cold noodles", "status": "in_progress", "urgency": "high",
		"created_at": ago(2 * time.Hour), "first_response_due_at": ago(time.Hour), "resolution_due_at": ago(-20 * time.Hour),
		"customer": map[string]any{"id": "cu1", "name": "L*", "tier": "high"},
		"sla":      map[string]any{"first_response": "1h0m0s", "first_response_at": ago(90 * time.Minute), "warning_percents": []int{50, 75, 90}}}
	for k, v := range set {
		c[k] = v
	}
	return c
}

func escalationJSON(seq int, reason string, set map[string]any) map[string]any {
	e := map[string]any{"id": fmt.Sprintf("esc-%d", seq), "complaint_id": shiftComplaint, "seq": seq, "status": "pending",
		"requested_by": "ann", "requested_at": ago(time.Hour), "reason": reason, "automatic": false, "level": 1,
		"approver": "max", "eligible": []string{"max"}, "decision_due_at": nil, "decided_by": nil, "decided_at": nil, "decision": nil}
	for k, v := range set {
		e[k] = v
	}
	return e
}

// overLimit is the inbox of a manager with one over-limit compensation request:
// ann asked for 300 CNY of compensation (her limit 200), escalation 2.
func overLimit() *fakeAPI {
	reason := "compensation 2: compensation of 300 CNY asks for approval (the requester's limit: 200 CNY)"
	return &fakeAPI{answers: map[string]any{
		"/v1/escalations":                                   items(escalationJSON(2, reason, map[string]any{"automatic": true})),
		"/v1/complaints/" + shiftComplaint:                  complaintJSON(nil),
		"/v1/complaints/" + shiftComplaint + "/events":      items(),
		"/v1/complaints/" + shiftComplaint + "/escalations": items(),
		"/v1/complaints/" + shiftComplaint + "/compensations": items(
			map[string]any{"seq": 1, "complaint_id": shiftComplaint, "kind": "compensation", "amount": 150, "currency": "CNY",
				"status": "granted", "requested_by": "ann", "requested_at": ago(2 * time.Hour), "limit": 200, "escalation_seq": nil},
			map[string]any{"seq": 2, "complaint_id": shiftComplaint, "kind": "compensation", "amount": 300, "currency": "CNY",
				"status": "requested", "requested_by": "ann", "requested_at": ago(time.Hour), "limit": 200, "escalation_seq": 2}),
	}}
}

func get(t *testing.T, h http.HandlerFunc, target string, path ...string) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if len(path) > 0 {
		r.SetPathValue("id", path[0])
	}
	w := httptest.NewRecorder()
	h(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d: %.500s", target, w.Code, w.Body)
	}
	return w.Body.String()
}

// The form of an escalation a compensation request opened says what was asked and
// that only Compensate grants it, and starts on Compensate with the request's
// amount, currency and kind: Approve, the first choice, would decline it.
func TestCompensationEscalationStartsOnCompensate(t *testing.T) {
	f := overLimit()
	c := f.console(t)
	body := get(t, c.escalations, "/console/escalations")
	for _, want := range []string{`<option value="compensate" selected>`, `name="amount" inputmode="decimal" value="300"`,
		`name="currency" value="CNY"`, `<option value="other" selected>`, "Only Compensate grants it; any other decision declines it."} {
		if !strings.Contains(body, want) {
			t.Errorf("the over-limit request's form lacks %q", want)
		}
	}
	if strings.Contains(body, `<option value="approve" selected>`) {
		t.Error("the over-limit request's form starts on Approve")
	}
}

// A decision is sent with every field filled, so the API names those its kind does
// not take rather than the console dropping them: an amount typed with Approve
// comes back refused, not silently declined.
func TestDecisionSendsEveryFieldFilled(t *testing.T) {
	f := overLimit()
	c := f.console(t)
	form := url.Values{"decision": {"approve"}, "owner": {"bob"}, "kind": {"other"}, "amount": {"300"}, "currency": {"CNY"},
		"extend_by": {"6h"}, keyField: {"k1"}}
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetPathValue("id", shiftComplaint)
	r.SetPathValue("seq", "2")
	c.decide(httptest.NewRecorder(), r)
	if len(f.writes) != 1 {
		t.Fatalf("%d writes, want the decision", len(f.writes))
	}
	b := f.writes[0].Body
	if comp, _ := b["compensation"].(map[string]any); comp == nil || comp["amount"] != 300.0 || comp["kind"] != "other" {
		t.Errorf("an approve with an amount sent %v: the compensation typed is dropped", b)
	}
	if b["extend_by"] != "6h" || b["owner"] != "bob" {
		t.Errorf("sent %v, want extend_by and owner as typed", b)
	}
	// A reject that leaves the compensation the form started with as it was declines
	// it, as the form says: those fields are the request's, not typed.
	form = url.Values{"decision": {"reject"}, "reason": {"too much"}, "kind": {"other"}, "amount": {"300"}, "currency": {"CNY"},
		"requested": {"other|300|CNY"}, keyField: {"k2"}}
	r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetPathValue("id", shiftComplaint)
	r.SetPathValue("seq", "2")
	c.decide(httptest.NewRecorder(), r)
	if b := f.writes[len(f.writes)-1].Body; b["compensation"] != nil || b["reason"] != "too much" {
		t.Errorf("a reject of the request as drawn sent %v, want no compensation", b)
	}
}

// Each inbox entry says when it moves up the chain (its decision due, in the
// viewer's time), its level and who may decide.
func TestInboxSaysWhenEachEscalationMovesUp(t *testing.T) {
	f := overLimit()
	due := shiftNow.Add(90 * time.Minute)
	f.answers["/v1/escalations"] = items(escalationJSON(1, "customer threatens to go to the press",
		map[string]any{"level": 2, "approver": "lee", "eligible": []string{"lee", "kim"}, "decision_due_at": due.Format(time.RFC3339)}))
	body := get(t, f.console(t).escalations, "/console/escalations")
	for _, want := range []string{`<time class="local" datetime="` + due.Format(time.RFC3339) + `"`, "Decision due (then it moves up)",
		"Level", ">2<", "Who may decide", "lee, kim"} {
		if !strings.Contains(body, want) {
			t.Errorf("the inbox entry lacks %q", want)
		}
	}
}

// At the top of the chain nobody is above: the inbox says the decision then becomes
// overdue, not that it moves up (an audit found the director told it would).
func TestInboxSaysNothingMovesUpFromTheTop(t *testing.T) {
	f := overLimit()
	due := shiftNow.Add(90 * time.Minute)
	f.answers["/v1/escalations"] = items(escalationJSON(1, "customer threatens to go to the press",
		map[string]any{"level": 2, "approver": "dora", "eligible": []string{"dora"}, "decision_due_at": due.Format(time.RFC3339)}))
	body := get(t, f.console(t).escalations, "/console/escalations")
	if !strings.Contains(body, "Decision due (nobody above: then it is overdue)") || strings.Contains(body, "then it moves up") {
		t.Errorf("the inbox entry at the top of the chain says it moves up: %s", body)
	}
}

// The inbox asks for one more than it shows, and says so when more wait than it
// shows.
func TestInboxSaysWhenTheListIsCut(t *testing.T) {
	f := overLimit()
	var es []any
	for i := range inboxLimit + 1 {
		es = append(es, escalationJSON(i+1, "r", nil))
	}
	f.answers["/v1/escalations"] = items(es...)
	f.answers["/v1/complaints/"+shiftComplaint+"/compensations"] = items()
	body := get(t, f.console(t).escalations, "/console/escalations")
	if n := strings.Count(body, `<section class="escalation"`); n != inboxLimit {
		t.Errorf("%d entries shown, want %d", n, inboxLimit)
	}
	if !strings.Contains(body, `id="inbox-more"`) {
		t.Error("the inbox does not say that more wait than it shows")
	}
	if !strings.Contains(f.gets[0], fmt.Sprintf("limit=%d", inboxLimit+1)) {
		t.Errorf("the inbox asked %s, want one more than it shows", f.gets[0])
	}
}

// The complaint page's pending escalation says when it moves up, at what level and
// who may decide, and links its entry in the inbox, where it is decided — for a
// viewer who has an inbox (the API's rule, auth.Principal.Inbox): an agent's page
// says who may decide, with no link to a page that would refuse them.
func TestComplaintPageLinksAPendingEscalation(t *testing.T) {
	f := overLimit()
	due := shiftNow.Add(time.Hour)
	f.answers["/v1/complaints/"+shiftComplaint+"/escalations"] = items(
		escalationJSON(1, "done", map[string]any{"status": "approved", "decided_by": "max"}),
		escalationJSON(2, "waits", map[string]any{"level": 2, "eligible": []string{"lee", "kim"}, "decision_due_at": due.Format(time.RFC3339)}))
	f.answers["/v1/notifications"] = items()
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	page := func(role auth.Role) string {
		t.Helper()
		w := serveAs(t, f.console(t).complaint, role, "/console/complaints/"+shiftComplaint, shiftComplaint)
		if w.Code != http.StatusOK {
			t.Fatalf("the complaint page as %s: HTTP %d: %.500s", role, w.Code, w.Body)
		}
		return w.Body.String()
	}
	if body := page(auth.RoleAgent); strings.Contains(body, `#esc-`+shiftComplaint+`-2"`) || !strings.Contains(body, "lee, kim") {
		t.Errorf("an agent's page: want who may decide and no link to the inbox:\n%s", body)
	}
	body := page(auth.RoleManager)
	for _, want := range []string{`href="/console/escalations#esc-` + shiftComplaint + `-2"`,
		`<time class="local" datetime="` + due.Format(time.RFC3339) + `"`, "lee, kim"} {
		if !strings.Contains(body, want) {
			t.Errorf("the complaint page lacks %q", want)
		}
	}
	if strings.Contains(body, `#esc-`+shiftComplaint+`-1"`) {
		t.Error("a decided escalation links the inbox")
	}

	// An angry customer's escalation opened while the chain names no manager says it
	// waits for one, with no link to an inbox that holds it nowhere.
	f.answers["/v1/complaints/"+shiftComplaint+"/escalations"] = items(escalationJSON(1, "angry customer",
		map[string]any{"automatic": true, "level": 0, "approver": "", "eligible": []string{}}))
	body = page(auth.RoleManager)
	if !strings.Contains(body, "awaits a manager") || strings.Contains(body, `#esc-`+shiftComplaint+`-1"`) {
		t.Errorf("an escalation awaiting a manager: want it said, and no decide link:\n%s", body)
	}
}

var budgetAttr = regexp.MustCompile(`data-budget="(\d+)"`)

// A countdown's warning share is of its clock's real budget: the time waited on the
// customer is not used, and a reopened complaint's resolution clock runs from the
// reopening on its follow-up budget — not from the filing.
func TestCountdownBudgetLeavesOutPausesAndCountsFromTheReopen(t *testing.T) {
	paused := complaintJSON(map[string]any{"created_at": ago(60 * time.Hour), "resolution_due_at": ago(-60 * time.Hour),
		"paused_seconds": 40 * 3600})
	pauseEvents := items(
		map[string]any{"id": 1, "kind": "paused", "actor": "ann", "occurred_at": ago(50 * time.Hour), "data": map[string]any{"reason": "receipt"}},
		map[string]any{"id": 2, "kind": "resumed", "actor": "ann", "occurred_at": ago(10 * time.Hour), "data": map[string]any{"paused_seconds": 40 * 3600}})
	reopened := complaintJSON(map[string]any{"created_at": ago(7 * 24 * time.Hour), "resolution_due_at": ago(-23 * time.Hour),
		"reopened_count": 1, "paused_seconds": 3600})
	reopenEvents := items(
		map[string]any{"id": 1, "kind": "paused", "actor": "ann", "occurred_at": ago(100 * time.Hour), "data": map[string]any{}},
		map[string]any{"id": 2, "kind": "resumed", "actor": "ann", "occurred_at": ago(99 * time.Hour), "data": map[string]any{"paused_seconds": 3600}},
		map[string]any{"id": 3, "kind": "resolved", "actor": "ann", "occurred_at": ago(2 * 24 * time.Hour)},
		map[string]any{"id": 4, "kind": "reopened", "actor": "cu1", "occurred_at": ago(time.Hour)})
	for _, tc := range []struct {
		name   string
		cm     map[string]any
		events any
		want   int
	}{
		{"after a 40 h pause", paused, pauseEvents, 80 * 3600},
		{"reopened on day 7", reopened, reopenEvents, 24 * 3600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := overLimit()
			f.answers["/v1/complaints/"+shiftComplaint] = tc.cm
			f.answers["/v1/complaints/"+shiftComplaint+"/events"] = tc.events
			f.answers["/v1/notifications"] = items()
			f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
			f.answers["/v1/complaints"] = items(tc.cm)
			c := f.console(t)
			for _, page := range []struct {
				name string
				body string
			}{
				{"complaint page", get(t, c.complaint, "/console/complaints/"+shiftComplaint, shiftComplaint)},
				{"inbox", get(t, c.escalations, "/console/escalations")},
				{"queue rows", get(t, c.queueRows, "/console/queue/rows?owner=any")},
			} {
				m := budgetAttr.FindStringSubmatch(page.body)
				if m == nil || m[1] != fmt.Sprint(tc.want) {
					t.Errorf("%s: countdown budget %v, want data-budget=%d", page.name, m, tc.want)
				}
			}
		})
	}
}

// A form sent again after "not confirmed", as it came back, is the same action (the
// same Idempotency-Key); edited, it is another action with a key of its own — the
// API would otherwise answer the first one's outcome for it.
func TestAnEditedResendIsAnotherAction(t *testing.T) {
	f := overLimit()
	c := f.console(t)
	send := func(v url.Values) string {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetPathValue("id", shiftComplaint)
		r.SetPathValue("action", "resolve")
		c.act(httptest.NewRecorder(), r)
		return f.writes[len(f.writes)-1].Key
	}
	form := url.Values{"csrf": {"x"}, keyField: {"form-key"}, "summary": {"refunded"}, "root_cause": {"depot"}}
	first, again := send(form), send(form)
	if first == "" || first != again {
		t.Fatalf("the same form sent twice went with keys %q and %q, want one", first, again)
	}
	form.Set("summary", "refunded 300 CNY")
	if edited := send(form); edited == first {
		t.Errorf("the edited form went with the first one's key %q: the first outcome would be answered for it", edited)
	}
	form.Set("csrf", "y")
	form.Set("summary", " refunded ")
	if same := send(form); same != first {
		t.Errorf("the form as first sent (another CSRF token, spaces) went with %q, want %q", same, first)
	}
}

// The queue's SLA column says a clock met late is breached — "met" only for one met
// in time — and names the clock next to the words the script writes.
func TestQueueSaysBreachedForAClockMetLate(t *testing.T) {
	late := complaintJSON(map[string]any{"status": "closed", "sla": map[string]any{"first_response": "1h0m0s",
		"first_response_at": ago(90 * time.Minute), "resolved_at": ago(time.Hour), "resolution_breached": true}})
	inTime := complaintJSON(map[string]any{"id": testID, "status": "closed", "sla": map[string]any{"first_response": "1h0m0s",
		"first_response_at": ago(90 * time.Minute), "resolved_at": ago(time.Hour)}})
	running := complaintJSON(map[string]any{"id": "00000000-0000-0000-0000-0000000000c2"})
	f := &fakeAPI{answers: map[string]any{"/v1/complaints": items(late, inTime, running)}}
	body := get(t, f.console(t).queueRows, "/console/queue/rows?status=any&breached=true")
	rows := strings.Split(body, "<tr ")
	if len(rows) != 4 {
		t.Fatalf("%d rows: %s", len(rows)-1, body)
	}
	if !strings.Contains(rows[1], "level-breached") || !strings.Contains(rows[1], "Resolution") || strings.Contains(rows[1], "level-done") {
		t.Errorf("the complaint resolved late reads %s, want its resolution breached", rows[1])
	}
	if !strings.Contains(rows[2], `class="level-done"`) || !strings.Contains(rows[2], "Resolution") {
		t.Errorf("the complaint resolved in time reads %s, want its resolution met", rows[2])
	}
	if !regexp.MustCompile(`Resolution</span>:? <span class="countdown"`).MatchString(rows[3]) {
		t.Errorf("the running clock's name is inside the countdown the script rewrites: %s", rows[3])
	}
}
