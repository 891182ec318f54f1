package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// changeBase is the first updated_at of the change-order tests' complaints.
var changeBase = time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC)

// seedChanges files n complaints c0…c(n-1) last changed a minute apart (c0 first);
// the even ones through the integration crm, the odd ones through none.
func seedChanges(t *testing.T, st *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.DB().Exec(`INSERT INTO integrations (id, name, callback_url, secret, created_by, updated_by)
		VALUES ('crm', 'CRM', 'https://crm.example/cb', 's', 'test', 'test')`); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		nc := newComplaint("c"+string(rune('0'+i)), complaint.High, complaint.Low)
		if i%2 == 0 {
			nc.IntegrationID = new("crm")
		}
		c, _, err := st.CreateComplaint(ctx, nc)
		if err != nil {
			t.Fatal(err)
		}
		touch(t, st, c.ID, changeBase.Add(time.Duration(i)*time.Minute))
	}
}

func touch(t *testing.T, st *store.Store, id string, at time.Time) {
	t.Helper()
	if _, err := st.DB().Exec(`UPDATE complaints SET updated_at = $2 WHERE id = $1`, id, at); err != nil {
		t.Fatal(err)
	}
}

func TestComplaintsFilterByIntegrationAndLastChange(t *testing.T) {
	st := newStore(t)
	seedChanges(t, st, 6)
	minute := func(n int) *time.Time { return new(changeBase.Add(time.Duration(n) * time.Minute)) }
	for _, tc := range []struct {
		name string
		f    store.ComplaintFilter
		want []string // newest first
	}{
		{"integration", store.ComplaintFilter{IntegrationID: "crm"}, []string{"c4", "c2", "c0"}},
		{"another integration", store.ComplaintFilter{IntegrationID: "web"}, []string{}},
		{"updated from", store.ComplaintFilter{UpdatedFrom: minute(3)}, []string{"c5", "c4", "c3"}},
		{"updated to", store.ComplaintFilter{UpdatedTo: minute(2)}, []string{"c1", "c0"}},
		{"integration and window", store.ComplaintFilter{IntegrationID: "crm", UpdatedFrom: minute(1), UpdatedTo: minute(4)},
			[]string{"c2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Limit = 20
			cs, err := st.Complaints(context.Background(), tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := externalIDs(cs); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// An intake system catching up walks its complaints oldest change first, page by
// page, while they keep changing: every complaint is met, a complaint changed after
// the walk passed it is met again at the end, and none unchanged is met twice.
func TestTheChangeOrderWalkSkipsNoChangeWhileRowsChange(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	seedChanges(t, st, 10)
	ids := map[string]string{}
	all, err := st.Complaints(ctx, store.ComplaintFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		ids[c.ExternalID] = c.ID
	}
	f := store.ComplaintFilter{Order: store.ComplaintsChangedFirst, UpdatedFrom: new(changeBase), Limit: 3}
	var seen []string
	later := changeBase.Add(time.Hour)
	for page := 0; page < 10; page++ {
		cs, err := st.Complaints(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, externalIDs(cs)...)
		if len(cs) < f.Limit {
			break
		}
		last := cs[len(cs)-1]
		f.AfterUpdatedAt, f.AfterID = last.UpdatedAt, last.ID
		if page == 0 {
			// Behind the walk (c1, met) and ahead of it (c8, not yet): both change.
			touch(t, st, ids["c1"], later)
			touch(t, st, ids["c8"], later.Add(time.Second))
		}
	}
	want := []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c9", "c1", "c8"}
	if !slices.Equal(seen, want) {
		t.Errorf("walk met %v, want %v", seen, want)
	}
}
