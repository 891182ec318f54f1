package complaint_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// The matrix and a source's policies, as seeded plus the narrower ones an admin may add.
func TestPickPolicyMostSpecificFirst(t *testing.T) {
	type K = complaint.PolicyKey
	matrix := []K{{"*", "high", "high"}, {"*", "medium", "medium"}, {"*", "low", "low"}}
	tests := []struct {
		name     string
		policies []K
		want     K
		got      string // ID of the policy picked; "" none
		reason   string
	}{
		{"no source policy: the matrix cell", matrix, K{"direct", "medium", "medium"}, "*/medium/medium",
			"no policy for source direct: the urgency medium × tier medium cell of the SLA matrix"},
		{"no cell at all", matrix, K{"direct", "high", "low"}, "", ""},
		{"a source policy for any urgency and tier outranks the cell",
			append([]K{{"negative_feedback", "*", "*"}}, matrix...), K{"negative_feedback", "medium", "medium"},
			"negative_feedback/*/*", "source negative_feedback has a policy of its own (any urgency and tier), which outranks the urgency × tier matrix"},
		{"another source's policy does not apply",
			append([]K{{"social_mention", "*", "*"}}, matrix...), K{"negative_feedback", "medium", "medium"},
			"*/medium/medium", "no policy for source negative_feedback: the urgency medium × tier medium cell of the SLA matrix"},
		{"urgency outranks tier within a source",
			append([]K{{"negative_feedback", "*", "medium"}, {"negative_feedback", "high", "*"}}, matrix...),
			K{"negative_feedback", "high", "medium"}, "negative_feedback/high/*",
			"source negative_feedback has a policy of its own (urgency high), which outranks the urgency × tier matrix"},
		{"both named beat urgency only",
			[]K{{"negative_feedback", "high", "*"}, {"negative_feedback", "high", "medium"}},
			K{"negative_feedback", "high", "medium"}, "negative_feedback/high/medium",
			"source negative_feedback has a policy of its own (urgency high, tier medium), which outranks the urgency × tier matrix"},
		{"a narrower source policy that does not match falls back to the wider one",
			[]K{{"negative_feedback", "high", "high"}, {"negative_feedback", "*", "*"}},
			K{"negative_feedback", "high", "medium"}, "negative_feedback/*/*",
			"source negative_feedback has a policy of its own (any urgency and tier), which outranks the urgency × tier matrix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, reason := complaint.PickPolicy(tt.want, tt.policies)
			got := ""
			if i >= 0 {
				got = tt.policies[i].ID()
			}
			if got != tt.got || reason != tt.reason {
				t.Errorf("PickPolicy = %q, %q; want %q, %q", got, reason, tt.got, tt.reason)
			}
		})
	}
}

func TestPickRouteTierThenChannelThenCategory(t *testing.T) {
	type K = complaint.RouteKey
	routes := []K{
		{"*", "*", "*"},
		{"*", "*", "logistics"},
		{"*", "phone", "*"},
		{"*", "phone", "logistics"},
		{"high", "*", "*"},
		{"high", "*", "logistics"},
	}
	tests := []struct {
		name string
		want K
		got  int
	}{
		{"nothing specific: the default", K{"low", "web", "service"}, 0},
		{"category only", K{"low", "web", "logistics"}, 1},
		{"channel outranks category", K{"low", "phone", "service"}, 2},
		{"channel and category", K{"medium", "phone", "logistics"}, 3},
		{"tier outranks channel and category together", K{"high", "phone", "service"}, 4},
		{"tier and category", K{"high", "phone", "logistics"}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := complaint.PickRoute(tt.want, routes); got != tt.got {
				t.Errorf("PickRoute(%v) = %d, want %d", tt.want, got, tt.got)
			}
		})
	}
	if got := complaint.PickRoute(K{"high", "web", "product"}, routes[1:4]); got != -1 {
		t.Errorf("no matching rule: got %d, want -1", got)
	}
}

func TestRaisedCapsAtTheTop(t *testing.T) {
	tests := []struct {
		from complaint.Level
		to   complaint.Level
		ok   bool
	}{
		{complaint.Low, complaint.Medium, true},
		{complaint.Medium, complaint.High, true},
		{complaint.High, complaint.High, false},
	}
	for _, tt := range tests {
		if got, ok := tt.from.Raised(); got != tt.to || ok != tt.ok {
			t.Errorf("%s.Raised() = %s, %v; want %s, %v", tt.from, got, ok, tt.to, tt.ok)
		}
	}
}

func TestAngerReason(t *testing.T) {
	tests := []struct {
		sentiment string
		words     []string
		want      string
	}{
		{"", nil, ""},
		{"negative", nil, ""},
		{"angry", nil, "the intake system reports the customer angry"},
		{"neutral", []string{"愤怒", "furious"}, "anger words in the text: 愤怒, furious"},
		{"angry", []string{"furious"}, "the intake system reports the customer angry; anger words in the text: furious"},
	}
	for _, tt := range tests {
		if got := complaint.AngerReason(tt.sentiment, tt.words); got != tt.want {
			t.Errorf("AngerReason(%q, %v) = %q, want %q", tt.sentiment, tt.words, got, tt.want)
		}
	}
}
