package complaint_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

func TestWithinAuthority(t *testing.T) {
	limit := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		amount float64
		limit  *float64
		want   bool
	}{
		{"just under the refund limit", 499.99, limit(500), true},
		{"at the refund limit", 500, limit(500), false},
		{"over the limit", 500.01, limit(500), false},
		{"compensation under 200", 150, limit(200), true},
		{"compensation at 200", 200, limit(200), false},
		{"zero under any limit", 0, limit(200), true},
		{"no limit: no authority", 1, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := complaint.WithinAuthority(tt.amount, tt.limit); got != tt.want {
				t.Errorf("WithinAuthority(%v, %v) = %v, want %v", tt.amount, tt.limit, got, tt.want)
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
