package complaint_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// 002 §3.1 「小額退款(500元以下)、服務補償(200元以下)」: 以下 includes the stated
// number (PRC Civil Code Art. 1259), so 500 of a 500 refund limit and 200 of a 200
// compensation limit are within the agent's authority; the rule of revision 4 and
// older (StrictlyWithinAuthority) differs at the limit alone.
func TestWithinAuthority(t *testing.T) {
	limit := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		amount float64
		limit  *float64
		want   bool
		strict bool // StrictlyWithinAuthority
	}{
		{"just under the refund limit", 499.99, limit(500), true, true},
		{"at the refund limit: 500元以下 includes 500", 500, limit(500), true, false},
		{"over the limit", 500.01, limit(500), false, false},
		{"compensation under 200", 150, limit(200), true, true},
		{"compensation at 200: 200元以下 includes 200", 200, limit(200), true, false},
		{"compensation just over 200", 200.01, limit(200), false, false},
		{"zero under any limit", 0, limit(200), true, true},
		{"no limit: no authority", 1, nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := complaint.WithinAuthority(tt.amount, tt.limit); got != tt.want {
				t.Errorf("WithinAuthority(%v, %v) = %v, want %v", tt.amount, tt.limit, got, tt.want)
			}
			if got := complaint.StrictlyWithinAuthority(tt.amount, tt.limit); got != tt.strict {
				t.Errorf("StrictlyWithinAuthority(%v, %v) = %v, want %v", tt.amount, tt.limit, got, tt.strict)
			}
		})
	}
}

func TestCheckHandover(t *testing.T) {
	base := complaint.Handover{Actor: "lee", Owner: "ann", Team: "care", TeamLead: "lee", To: "bob", ToTeam: "care", ToActive: true}
	tests := []struct {
		name    string
		change  func(h *complaint.Handover)
		allowed bool
	}{
		{"the team lead to a member", func(*complaint.Handover) {}, true},
		{"the owner to a member", func(h *complaint.Handover) { h.Actor = "ann" }, true},
		{"the owner to the team lead", func(h *complaint.Handover) { h.Actor, h.To, h.ToTeam = "ann", "lee", "" }, true},
		{"another member", func(h *complaint.Handover) { h.Actor = "bob" }, false},
		{"to another team", func(h *complaint.Handover) { h.ToTeam = "sales" }, false},
		{"to the owner", func(h *complaint.Handover) { h.To = "ann" }, false},
		{"to someone inactive", func(h *complaint.Handover) { h.ToActive = false }, false},
		{"a complaint without a team", func(h *complaint.Handover) { h.Team = "" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := base
			tt.change(&h)
			got := complaint.CheckHandover(h)
			if (got == "") != tt.allowed {
				t.Errorf("CheckHandover(%+v) = %q, want allowed %v", h, got, tt.allowed)
			}
		})
	}
}
