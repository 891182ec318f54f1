package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// seedListing files five complaints that differ in every filtered column, a day
// apart (a oldest), and returns the filing time of the oldest.
func seedListing(t *testing.T, st *store.Store) time.Time {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	rows := []struct {
		ext, customer, channel, category, subject, description string
		urgency                                                complaint.Level
		status, owner, team                                    string
		breached, pending                                      bool
	}{
		{"a", "c1", "web", "logistics", "配送延误", "快递三天未到", complaint.High, "open", "li", "ops", true, false},
		{"b", "c1", "phone", "product", "质量问题", "屏幕有划痕，配件缺失", complaint.Medium, "in_progress", "wang", "qa", false, true},
		{"c", "c2", "app", "logistics", "Parcel late", "delivery is 100% late_ish", complaint.Low, "resolved", "li", "ops", false, false},
		{"d", "c2", "wechat", "service", "客服态度差", "电话无人接听", complaint.High, "closed", "", "", true, true},
		{"e", "c3", "web", "after_sales", "退款慢", "申请退款两周, 配送员也没来取件", complaint.Medium, "open", "", "ops", false, false},
	}
	for i, r := range rows {
		nc := newComplaint(r.ext, r.urgency, complaint.Low)
		nc.CustomerID, nc.Channel, nc.Category, nc.Subject, nc.Description = r.customer, r.channel, r.category, r.subject, r.description
		c, _, err := st.CreateComplaint(ctx, nc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().Exec(`UPDATE complaints SET created_at = $2, status = $3, owner = NULLIF($4, ''),
				team_id = NULLIF($5, ''), resolution_breached = $6 WHERE id = $1`,
			c.ID, base.Add(time.Duration(i)*24*time.Hour), r.status, r.owner, r.team, r.breached); err != nil {
			t.Fatal(err)
		}
		if r.pending {
			if _, err := st.DB().Exec(`INSERT INTO escalations (id, complaint_id, seq, requested_by, requested_at, reason)
				VALUES ($1 || '/1', $1::uuid, 1, 'li', now(), 'test')`, c.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A decided escalation is not pending.
	var c store.Complaint
	c, err := st.ComplaintByExternalID(ctx, "", "c")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO escalations (id, complaint_id, seq, status, requested_by, requested_at, reason)
		VALUES ($1 || '/1', $1::uuid, 1, 'approved', 'li', now(), 'test')`, c.ID); err != nil {
		t.Fatal(err)
	}
	return base
}

func externalIDs(cs []store.Complaint) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ExternalID)
	}
	return out
}

func TestComplaintFiltersEachSelectTheirRows(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	base := seedListing(t, st)
	day := func(n int) *time.Time { return new(base.Add(time.Duration(n) * 24 * time.Hour)) }
	for _, tc := range []struct {
		name string
		f    store.ComplaintFilter
		want []string // newest first
	}{
		{"none", store.ComplaintFilter{}, []string{"e", "d", "c", "b", "a"}},
		{"external_id", store.ComplaintFilter{ExternalID: "c"}, []string{"c"}},
		{"customer_id", store.ComplaintFilter{CustomerID: "c1"}, []string{"b", "a"}},
		{"owner", store.ComplaintFilter{Owner: "li"}, []string{"c", "a"}},
		{"team", store.ComplaintFilter{TeamID: "ops"}, []string{"e", "c", "a"}},
		{"one status", store.ComplaintFilter{Statuses: []complaint.Status{"open"}}, []string{"e", "a"}},
		{"two statuses", store.ComplaintFilter{Statuses: []complaint.Status{"open", "closed"}}, []string{"e", "d", "a"}},
		{"urgency", store.ComplaintFilter{Urgencies: []complaint.Level{complaint.High}}, []string{"d", "a"}},
		{"category", store.ComplaintFilter{Categories: []string{"logistics"}}, []string{"c", "a"}},
		{"channel", store.ComplaintFilter{Channels: []string{"web", "phone"}}, []string{"e", "b", "a"}},
		{"breached", store.ComplaintFilter{Breached: new(true)}, []string{"d", "a"}},
		{"not breached", store.ComplaintFilter{Breached: new(false)}, []string{"e", "c", "b"}},
		{"escalation pending", store.ComplaintFilter{EscalationPending: new(true)}, []string{"d", "b"}},
		{"no escalation pending", store.ComplaintFilter{EscalationPending: new(false)}, []string{"e", "c", "a"}},
		{"created from, inclusive", store.ComplaintFilter{CreatedFrom: day(3)}, []string{"e", "d"}},
		{"created to, exclusive", store.ComplaintFilter{CreatedTo: day(1)}, []string{"a"}},
		{"created range", store.ComplaintFilter{CreatedFrom: day(1), CreatedTo: day(3)}, []string{"c", "b"}},
		{"Chinese in the subject", store.ComplaintFilter{Text: "配送"}, []string{"e", "a"}},
		{"Chinese, longer", store.ComplaintFilter{Text: "配送延误"}, []string{"a"}},
		{"Chinese in the description", store.ComplaintFilter{Text: "划痕"}, []string{"b"}},
		{"Chinese, one character", store.ComplaintFilter{Text: "慢"}, []string{"e"}},
		{"no match", store.ComplaintFilter{Text: "发票"}, []string{}},
		{"any case", store.ComplaintFilter{Text: "PARCEL"}, []string{"c"}},
		{"% is literal", store.ComplaintFilter{Text: "100%"}, []string{"c"}},
		{"_ is literal", store.ComplaintFilter{Text: "e_i"}, []string{"c"}},
		{"_ matches no other character", store.ComplaintFilter{Text: "e_y"}, []string{}},
		{"combined with AND", store.ComplaintFilter{Text: "配送", Statuses: []complaint.Status{"open"}, TeamID: "ops",
			Urgencies: []complaint.Level{complaint.High}}, []string{"a"}},
		{"combined, none left", store.ComplaintFilter{CustomerID: "c1", Breached: new(true), EscalationPending: new(true)}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Limit = 10
			cs, err := st.Complaints(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := externalIDs(cs); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestComplaintPagesFollowTheFilter(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	seedListing(t, st)
	f := store.ComplaintFilter{Channels: []string{"web", "phone", "app"}, Limit: 2}
	var got [][]string
	for range 5 {
		cs, err := st.Complaints(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, externalIDs(cs))
		if len(cs) < f.Limit {
			break
		}
		f.AfterCreatedAt, f.AfterID = cs[len(cs)-1].CreatedAt, cs[len(cs)-1].ID
	}
	want := [][]string{{"e", "c"}, {"b", "a"}, {}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got pages %v, want %v", got, want)
	}
}

// TestTextSearchUsesTheTrigramIndex: the filter's expression is the index's, so a
// search need not read every complaint.
func TestTextSearchUsesTheTrigramIndex(t *testing.T) {
	st := newStore(t)
	seedListing(t, st)
	tx, err := st.DB().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var plan []string
	if err := tx.Select(&plan, `EXPLAIN SELECT id FROM complaints
		WHERE (subject || E'\n' || description) ILIKE '%parcel%'`); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(plan, func(l string) bool {
		return strings.Contains(l, "Bitmap Index Scan on complaints_text_trgm")
	}) {
		t.Errorf("plan does not use complaints_text_trgm:\n%v", plan)
	}
}

func TestFeedbackByCustomer(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	for _, fb := range []struct{ ext, customer string }{{"f1", "c1"}, {"f2", ""}, {"f3", "c1"}, {"f4", "c2"}} {
		nf := newFeedback(fb.ext, "recorded")
		if fb.customer != "" {
			nf.CustomerID, nf.CustomerName, nf.CustomerTier = new(fb.customer), new("王芳"), new("low")
		}
		if _, _, err := st.CreateFeedback(ctx, nf); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		customer string
		want     []string
	}{{"c1", []string{"f3", "f1"}}, {"c2", []string{"f4"}}, {"c9", []string{}}, {"", []string{"f4", "f3", "f2", "f1"}}} {
		fbs, err := st.FeedbackList(ctx, store.FeedbackFilter{CustomerID: tc.customer, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, fb := range fbs {
			got = append(got, *fb.ExternalID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("customer %q: got %v, want %v", tc.customer, got, tc.want)
		}
	}
}

// q finds a complaint by its words, not by the customer's phone, e-mail or address
// quoted in it — every masked read shows those redacted, and a substring search
// would otherwise reveal them a digit at a time.
func TestTextSearchLeavesTheCustomersContactsOut(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	nc := newComplaint("pii-q", complaint.Medium, complaint.Low)
	nc.CustomerPhone, nc.CustomerEmail, nc.CustomerAddress = new("+86 138 0013 8000"), new("zhang.wei@example.com"), new("北京市朝阳区建国路88号")
	nc.Description = "Call me on +86 138 0013 8000 or zhang.wei@example.com, deliver to 北京市朝阳区建国路88号; order 12345678"
	if _, _, err := st.CreateComplaint(ctx, nc); err != nil {
		t.Fatal(err)
	}
	for q, found := range map[string]bool{"on +86 13": false, "0013 8000": false, "zhang.wei": false, "建国路": false,
		"order 1234": true, "call me on": true, "deliver to": true} {
		cs, err := st.Complaints(ctx, store.ComplaintFilter{Text: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if (len(cs) == 1) != found {
			t.Errorf("q=%q: %d found, want found=%v", q, len(cs), found)
		}
	}
}
