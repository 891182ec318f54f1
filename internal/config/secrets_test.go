package config

import (
	"strings"
	"testing"
)

// A signing secret short enough to guess offline from one signed link or request
// is refused; empty keeps its meaning (only people's own webhook keys, a generated
// survey key).
func TestShortSigningSecretsAreRefused(t *testing.T) {
	long := strings.Repeat("k", 32)
	for _, name := range []string{"WEBHOOK_SIGNING_SECRET", "SURVEY_SIGNING_SECRET"} {
		for _, tc := range []struct {
			value   string
			refused bool
		}{{"", false}, {"x", true}, {"whsec-test", true}, {long[:31], true}, {long, false}} {
			clean(t)
			t.Setenv(name, tc.value)
			_, err := FromEnv()
			if refused := err != nil; refused != tc.refused || (refused && !strings.Contains(err.Error(), name)) {
				t.Errorf("%s of %d bytes: err %v, want refused %v", name, len(tc.value), err, tc.refused)
			}
		}
	}
}

func TestOutboundAllowCIDRs(t *testing.T) {
	clean(t)
	t.Setenv("OUTBOUND_ALLOW_CIDRS", "")
	if c, err := FromEnv(); err != nil || len(c.OutboundAllow) != 0 {
		t.Errorf("unset: %v, %v; want no networks allowed", c.OutboundAllow, err)
	}
	t.Setenv("OUTBOUND_ALLOW_CIDRS", "127.0.0.0/8, ::1/128,10.20.0.0/16")
	if c, err := FromEnv(); err != nil || len(c.OutboundAllow) != 3 || c.OutboundAllow[2].String() != "10.20.0.0/16" {
		t.Errorf("three networks: %v, %v", c.OutboundAllow, err)
	}
	for _, bad := range []string{"10.0.0.1", "10.0.0.0/33", "10.0.0.5/8", "internal.example.com", "10.0.0.0/8 192.168.0.0/16"} {
		t.Setenv("OUTBOUND_ALLOW_CIDRS", bad)
		if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), "OUTBOUND_ALLOW_CIDRS") {
			t.Errorf("%q: err %v, want one naming OUTBOUND_ALLOW_CIDRS", bad, err)
		}
	}
}
