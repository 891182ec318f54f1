package api_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
)

// fileDirect records a complaint in the store (no workflow: listings read rows).
func (a *directoryAPI) fileDirect(ext, customer, subject string, urgency complaint.Level) store.Complaint {
	a.t.Helper()
	id := uuid.NewString()
	c, _, err := a.store.CreateComplaint(context.Background(), store.NewComplaint{
		ID: id, ExternalID: ext, RequestHash: "h-" + ext, WorkflowID: "complaint:" + id,
		Channel: "web", CustomerID: customer, CustomerName: "王芳", CustomerTier: complaint.Low,
		CustomerPhone: new("+86 138 0013 8000"), Category: "logistics", Urgency: urgency,
		Subject: subject, Description: "详情见附件",
	})
	if err != nil {
		a.t.Fatal(err)
	}
	return c
}

// personToken adds a person of the directory and a token of role acting for them.
func (a *directoryAPI) personToken(role auth.Role, person string) {
	a.t.Helper()
	a.admin("PUT", "/v1/people/"+person, `{"name":"`+person+`","role":"agent"}`, http.StatusCreated)
	tok := a.admin("POST", "/v1/tokens", `{"role":"`+string(role)+`","name":"`+person+`","person_id":"`+person+`"}`, http.StatusCreated)
	a.tokens[auth.Role(person)] = tok.body["token"].(string)
}

func externalIDsOf(items any) []string {
	out := []string{}
	for _, it := range items.([]any) {
		out = append(out, it.(map[string]any)["external_id"].(string))
	}
	return out
}

func TestComplaintListingFilters(t *testing.T) {
	a := newDirectoryAPI(t)
	a.fileDirect("crm-1", "c1", "配送延误", complaint.High)
	a.fileDirect("crm-2", "c2", "质量问题", complaint.Low)
	c3 := a.fileDirect("crm-3", "c1", "Refund slow", complaint.Medium)
	if _, err := a.store.DB().Exec(`UPDATE complaints SET owner = 'li', status = 'in_progress' WHERE id = $1`, c3.ID); err != nil {
		t.Fatal(err)
	}
	a.personToken(auth.RoleAgent, "li")
	for _, tc := range []struct {
		role  auth.Role
		query string
		want  []string
	}{
		{auth.RoleIntake, "external_id=crm-2", []string{"crm-2"}},
		{auth.RoleAgent, "customer_id=c1", []string{"crm-3", "crm-1"}},
		{auth.RoleAgent, "q=" + url.QueryEscape("配送"), []string{"crm-1"}},
		{auth.RoleAgent, "q=refund", []string{"crm-3"}},
		{auth.RoleManager, "status=open&status=in_progress", []string{"crm-3", "crm-2", "crm-1"}},
		{auth.RoleManager, "status=open,closed", []string{"crm-2", "crm-1"}},
		{auth.RoleManager, "urgency=high,low&category=logistics&channel=web", []string{"crm-2", "crm-1"}},
		{auth.RoleQuality, "breached=false&escalation_pending=false&customer_id=c2", []string{"crm-2"}},
		{auth.RoleQuality, "breached=true", []string{}},
		{auth.RoleAdmin, "created_from=2000-01-01T00:00:00Z&created_to=2000-01-02T00:00:00%2B08:00", []string{}},
		{auth.RoleAdmin, "owner=li&team_id=", []string{"crm-3"}},
		{"li", "owner=me", []string{"crm-3"}},
	} {
		res := a.as(tc.role, "GET", "/v1/complaints?"+tc.query, "", http.StatusOK)
		if got := externalIDsOf(res.body["items"]); !slices.Equal(got, tc.want) {
			t.Errorf("%s as %s: got %v, want %v", tc.query, tc.role, got, tc.want)
		}
	}
	// Paging carries on with the same filter.
	first := a.as(auth.RoleAgent, "GET", "/v1/complaints?customer_id=c1&limit=1", "", http.StatusOK)
	next := a.as(auth.RoleAgent, "GET", "/v1/complaints?customer_id=c1&limit=1&cursor="+first.body["next_cursor"].(string), "", http.StatusOK)
	if got := append(externalIDsOf(first.body["items"]), externalIDsOf(next.body["items"])...); !slices.Equal(got, []string{"crm-3", "crm-1"}) {
		t.Errorf("paged by customer: got %v, want crm-3, crm-1", got)
	}
}

func TestBadListingParametersAreAllNamed(t *testing.T) {
	a := newDirectoryAPI(t)
	a.fileDirect("crm-1", "c1", "配送延误", complaint.High)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/v1/complaints?status=open,acknowledged&urgency=urgent&category=food&channel=fax&breached=yes" +
			"&escalation_pending=1&created_from=yesterday&created_to=2025-01-01&limit=0&cursor=x&sort=asc",
			[]string{"breached", "category", "channel", "created_from", "created_to", "cursor", "escalation_pending",
				"limit", "sort", "status", "urgency"}},
		// A repeated or unknown parameter is refused before any value is read.
		{"/v1/complaints?external_id=a&external_id=b&q=" + strings.Repeat("长", 201), []string{"external_id"}},
		{"/v1/complaints?external_id=a&q=" + strings.Repeat("长", 201), []string{"q"}},
		{"/v1/complaints?created_from=2025-02-01T00:00:00Z&created_to=2025-01-01T00:00:00Z", []string{"created_to"}},
		{"/v1/complaints?owner=me", []string{"owner"}}, // the admin token acts for no person
		{"/v1/feedback?customer_id=a&customer_id=b", []string{"customer_id"}},
		{"/v1/customers/c1?cursor=abc&limit=500&kind=x", []string{"cursor", "kind"}},
		{"/v1/customers/c1?limit=500", []string{"limit"}},
		{"/v1/notifications?complaint_id=42&status=lost&recipient=me&cursor=abc&page=2&limit=1&limit=2",
			[]string{"limit", "page"}},
		{"/v1/notifications?complaint_id=42&status=lost&recipient=me&cursor=abc",
			[]string{"complaint_id", "cursor", "recipient", "status"}},
		{"/v1/escalations?stauts=approved", []string{"stauts"}},
		{"/v1/escalations?status=approved&status=pending&limit=0", []string{"status"}},
		{"/v1/escalations?status=approved&limit=0", []string{"limit"}},
	} {
		res := a.call(auth.RoleAdmin, "GET", tc.path, "")
		got := res.fields()
		slices.Sort(got)
		got = slices.Compact(got)
		if res.status != http.StatusBadRequest || !slices.Equal(got, tc.want) {
			t.Errorf("GET %s: got %d naming %v, want 400 naming %v", tc.path, res.status, got, tc.want)
		}
	}
	if n := a.count("complaints"); n != 1 {
		t.Errorf("%d complaints after bad queries, want 1", n)
	}
}

func TestCustomerHistory(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	a.fileDirect("crm-1", "c1", "配送延误", complaint.High)
	a.fileDirect("crm-2", "c2", "其他客户", complaint.High)
	a.fileDirect("crm-3", "c1", "质量问题", complaint.Low)
	for _, ext := range []string{"fb-1", "fb-2"} {
		if _, _, err := a.store.CreateFeedback(ctx, store.NewFeedback{
			ID: uuid.NewString(), ExternalID: new(ext), RequestHash: ext, Kind: "suggestion", Channel: "app",
			Text: "建议增加夜间配送", CustomerID: new("c1"), CustomerName: new("王芳 (app)"), CustomerTier: new("low"),
			ProblemType: "logistics", Urgency: "low", Scope: "individual", MatchedRules: `[]`,
			Disposition: "recorded", DispositionReason: "test",
		}); err != nil {
			t.Fatal(err)
		}
	}
	res := a.as(auth.RoleAgent, "GET", "/v1/customers/c1?limit=1", "", http.StatusOK)
	comps, fbs := res.body["complaints"].(map[string]any), res.body["feedback"].(map[string]any)
	if got := externalIDsOf(comps["items"]); !slices.Equal(got, []string{"crm-3"}) {
		t.Errorf("complaints: got %v, want the newest, crm-3", got)
	}
	if got := externalIDsOf(fbs["items"]); !slices.Equal(got, []string{"fb-2"}) {
		t.Errorf("feedback: got %v, want the newest, fb-2", got)
	}
	// The newest record (the feedback) names the customer, masked (docs/privacy.md);
	// views show what the complaint and feedback views show the same role.
	if c := res.body["customer"].(map[string]any); c["id"] != "c1" || c["name"] != "王*" {
		t.Errorf("customer: got %v, want c1 as the newest feedback names them", c)
	}
	one := a.as(auth.RoleAgent, "GET", "/v1/complaints/"+comps["items"].([]any)[0].(map[string]any)["id"].(string), "", http.StatusOK)
	if got, want := comps["items"].([]any)[0].(map[string]any)["customer"], one.body["customer"]; !equalJSON(got, want) {
		t.Errorf("customer in the history %v, in the complaint view %v: want the same", got, want)
	}
	// The next links continue each list.
	for name, want := range map[string]string{"complaints": "crm-1", "feedback": "fb-1"} {
		next := res.body[name].(map[string]any)["next"].(string)
		page := a.as(auth.RoleAgent, "GET", next, "", http.StatusOK)
		if got := externalIDsOf(page.body["items"]); !slices.Equal(got, []string{want}) {
			t.Errorf("%s next page %s: got %v, want %s", name, next, got, want)
		}
	}
	full := a.as(auth.RoleIntake, "GET", "/v1/customers/c1", "", http.StatusOK)
	if c := full.body["complaints"].(map[string]any); len(c["items"].([]any)) != 2 || c["next"] != nil {
		t.Errorf("whole history: got %v, want 2 complaints and no next link", c)
	}
	if got := a.call(auth.RoleAgent, "GET", "/v1/customers/nobody", ""); got.status != http.StatusNotFound {
		t.Errorf("unknown customer: got %d, want 404", got.status)
	}
	if got := a.call("", "GET", "/v1/customers/c1", ""); got.status != http.StatusUnauthorized {
		t.Errorf("no token: got %d, want 401", got.status)
	}
}

func equalJSON(a, b any) bool {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if !aok || !bok || len(am) != len(bm) {
		return false
	}
	for k, v := range am {
		if bm[k] != v {
			return false
		}
	}
	return true
}

func TestNotificationsListingAndRoles(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	c := a.fileDirect("crm-1", "c1", "配送延误", complaint.High)
	a.personToken(auth.RoleAgent, "li")
	a.personToken(auth.RoleManager, "mia")
	for _, n := range []struct {
		key, recipient string
		status         notify.NotificationStatus
		lastError      string
	}{
		{"k1", "li", notify.NotificationSent, ""},
		{"k2", "mia", notify.NotificationFailed, "550 mailbox mia@example.com unknown"},
		{"k3", "customer", notify.NotificationSent, ""},
		{"k4", "li", notify.NotificationFailed, "timeout"},
	} {
		nn := notify.Notification{IdempotencyKey: n.key, ComplaintID: new(c.ID), EventKind: "sla_breached",
			Recipient: n.recipient, Channel: "email", Address: new("x@example.com"),
			Subject: "SLA breached for 王芳 +86 138 0013 8000", Body: "b"}
		got, _, err := a.store.ClaimNotification(ctx, nn, time.Minute, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.FinishNotification(ctx, n.key, got.Attempts, n.status, n.lastError, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	recipients := func(res response) []string {
		out := []string{}
		for _, it := range res.body["items"].([]any) {
			out = append(out, it.(map[string]any)["recipient"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		role  auth.Role
		query string
		want  []string
	}{
		{auth.RoleManager, "", []string{"li", "customer", "mia", "li"}},
		{auth.RoleQuality, "complaint_id=" + c.ID + "&status=failed", []string{"li", "mia"}},
		{auth.RoleAdmin, "recipient=customer", []string{"customer"}},
		{"mia", "recipient=me", []string{"mia"}},
		{"li", "", []string{"li", "li"}},                   // an agent sees its own
		{"li", "recipient=li&status=sent", []string{"li"}}, // and may say so
	} {
		res := a.as(tc.role, "GET", "/v1/notifications?"+tc.query, "", http.StatusOK)
		if got := recipients(res); !slices.Equal(got, tc.want) {
			t.Errorf("%s as %s: got %v, want %v", tc.query, tc.role, got, tc.want)
		}
	}
	res := a.as(auth.RoleManager, "GET", "/v1/notifications?recipient=mia", "", http.StatusOK)
	n := res.body["items"].([]any)[0].(map[string]any)
	if n["status"] != "failed" || n["attempts"] != float64(1) || n["channel"] != "email" || n["complaint_id"] != c.ID ||
		n["last_error"] != "550 mailbox m***@example.com unknown" || n["subject"] != "SLA breached for 王芳 ***8000" {
		t.Errorf("notice: got %v, want failed after 1 attempt, with subject and error masked", n)
	}
	if _, ok := n["body"]; ok {
		t.Errorf("notice shows its body to a manager: %v", n)
	}
	admin := a.as(auth.RoleAdmin, "GET", "/v1/notifications?recipient=mia", "", http.StatusOK)
	if got := admin.body["items"].([]any)[0].(map[string]any)["body"]; got != "b" {
		t.Errorf("notice body for an admin: got %v, want b", got)
	}
	// Pages.
	first := a.as(auth.RoleAdmin, "GET", "/v1/notifications?limit=3", "", http.StatusOK)
	rest := a.as(auth.RoleAdmin, "GET", "/v1/notifications?limit=3&cursor="+first.body["next_cursor"].(string), "", http.StatusOK)
	if got := append(recipients(first), recipients(rest)...); !slices.Equal(got, []string{"li", "customer", "mia", "li"}) || rest.body["next_cursor"] != nil {
		t.Errorf("pages: got %v (next %v), want all four, then no cursor", got, rest.body["next_cursor"])
	}
	for role, want := range map[auth.Role]int{
		auth.RoleIntake: http.StatusForbidden, // intake systems see no notices
		auth.RoleAgent:  http.StatusForbidden, // an agent token acting for no person
	} {
		if got := a.call(role, "GET", "/v1/notifications", ""); got.status != want {
			t.Errorf("as %s: got %d, want %d", role, got.status, want)
		}
	}
	if got := a.call("li", "GET", "/v1/notifications?recipient=mia", ""); got.status != http.StatusForbidden {
		t.Errorf("agent li asking for mia's notices: got %d, want 403", got.status)
	}
}

// The queue's order through the API: nearest open deadline first, page after page
// by next_cursor, clockless complaints last; the cursor belongs to its order.
func TestComplaintListingNearestDeadlineFirst(t *testing.T) {
	a := newDirectoryAPI(t)
	now := time.Now().UTC().Truncate(time.Second)
	// ext: first response due (hours from now), responded, resolution due (nil:
	// none), status. Filed in this order, so newest first is the reverse.
	rows := []struct {
		ext       string
		firstDue  float64
		responded bool
		resDue    *float64
		status    string
	}{
		{"due-res-5", -40, true, new(5.0), "in_progress"},           // resolution in 5 h
		{"due-none-backlog", -30, true, nil, "backlog"},             // no running clock
		{"due-fr-2", 2, false, new(24.0), "open"},                   // first response in 2 h
		{"due-breached", -1, false, new(20.0), "open"},              // first response 1 h overdue
		{"due-paused", -40, true, new(-3.0), "waiting_on_customer"}, // paused: no running clock
		{"due-closed", -50, true, new(-45.0), "closed"},             // not in an active queue
		{"due-res-3", -10, true, new(3.0), "in_progress"},           // resolution in 3 h
		{"due-fr-9", 9, false, new(30.0), "open"},                   // first response in 9 h
	}
	hours := func(h float64) time.Time { return now.Add(time.Duration(h * float64(time.Hour))) }
	for i, r := range rows {
		c := a.fileDirect(r.ext, "c1", "配送延误", complaint.High)
		var responded, resDue, paused, closed *time.Time
		if r.responded {
			responded = new(hours(-45))
		}
		if r.resDue != nil {
			resDue = new(hours(*r.resDue))
		}
		if r.status == "waiting_on_customer" {
			paused = new(hours(-1))
		}
		if r.status == "closed" {
			closed = new(hours(-44))
		}
		if _, err := a.store.DB().Exec(`UPDATE complaints SET status = $2, first_response_due_at = $3,
				first_response_at = $4, resolution_due_at = $5, paused_at = $6, closed_at = $7,
				resolved_at = $7, created_at = $8 WHERE id = $1`,
			c.ID, r.status, hours(r.firstDue), responded, resDue, paused, closed, hours(float64(i-100))); err != nil {
			t.Fatal(err)
		}
	}
	pages := func(query string) [][]string {
		var got [][]string
		path := "/v1/complaints?" + query
		for range 10 {
			res := a.as(auth.RoleManager, "GET", path, "", http.StatusOK)
			got = append(got, externalIDsOf(res.body["items"]))
			next, _ := res.body["next_cursor"].(string)
			if next == "" {
				return got
			}
			path = "/v1/complaints?" + query + "&cursor=" + url.QueryEscape(next)
		}
		t.Fatalf("%s: more than 10 pages", query)
		return nil
	}
	active := "status=open,in_progress,waiting_on_customer,backlog"
	// By hand: −1 h (breached), +2 h, +3 h, +5 h, +9 h, then paused and backlog by id.
	timed := []string{"due-breached", "due-fr-2", "due-res-3", "due-res-5", "due-fr-9"}
	got := pages(active + "&sort=due&limit=3")
	if len(got) != 3 || !slices.Equal(got[0], timed[:3]) || !slices.Equal(got[1][:2], timed[3:]) ||
		!slices.Equal(sorted(slices.Concat(got[1][2:], got[2])), []string{"due-none-backlog", "due-paused"}) {
		t.Errorf("sort=due by pages of 3: got %v, want %v then paused and backlog", got, timed)
	}
	if got := slices.Concat(pages("sort=due&limit=2")...); len(got) != 8 || !slices.Equal(got[:5], timed) ||
		!slices.Contains(got[5:], "due-closed") {
		t.Errorf("sort=due, every status, by pages of 2: got %v", got)
	}
	if got := slices.Concat(pages(active + "&sort=newest&limit=4")...); !slices.Equal(got,
		[]string{"due-fr-9", "due-res-3", "due-paused", "due-breached", "due-fr-2", "due-none-backlog", "due-res-5"}) {
		t.Errorf("sort=newest: got %v", got)
	}

	// A cursor of one order is refused by the other; a bad sort names the parameter.
	newest := a.as(auth.RoleManager, "GET", "/v1/complaints?limit=1", "", http.StatusOK).body["next_cursor"].(string)
	due := a.as(auth.RoleManager, "GET", "/v1/complaints?sort=due&limit=1", "", http.StatusOK).body["next_cursor"].(string)
	for _, tc := range []struct{ query, field string }{
		{"sort=due&cursor=" + newest, "cursor"},
		{"cursor=" + due, "cursor"},
		{"sort=deadline", "sort"},
		{"sort=due&sort=newest", "sort"},
	} {
		res := a.call(auth.RoleManager, "GET", "/v1/complaints?"+tc.query, "")
		if res.status != http.StatusBadRequest || !slices.Equal(res.fields(), []string{tc.field}) {
			t.Errorf("GET ?%s: got %d naming %v, want 400 naming %s", tc.query, res.status, res.fields(), tc.field)
		}
	}
}
