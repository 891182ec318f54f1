package config

import (
	"strings"
	"testing"
)

func TestThrottlingLimitsFromTheEnvironment(t *testing.T) {
	t.Setenv("AUTH_FAILURES_PER_MINUTE", "12.5")
	t.Setenv("AUTH_FAILURES_BURST", "7")
	t.Setenv("INTAKE_RATE_PER_SECOND", "0")
	t.Setenv("INTAKE_BURST", "3")
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.AuthFailuresPerMinute != 12.5 || c.AuthFailuresBurst != 7 || c.IntakePerSecond != 0 || c.IntakeBurst != 3 {
		t.Errorf("got %v %v %v %v", c.AuthFailuresPerMinute, c.AuthFailuresBurst, c.IntakePerSecond, c.IntakeBurst)
	}
	for name, bad := range map[string]string{"AUTH_FAILURES_BURST": "2.5", "INTAKE_RATE_PER_SECOND": "-1", "INTAKE_BURST": "many", "AUTH_FAILURES_PER_MINUTE": "NaN"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, bad)
			if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%s: got %v, want an error naming it", name, bad, err)
			}
		})
	}
}

func TestThrottlingLimitsDefaults(t *testing.T) {
	for _, name := range []string{"AUTH_FAILURES_PER_MINUTE", "AUTH_FAILURES_BURST", "INTAKE_RATE_PER_SECOND", "INTAKE_BURST"} {
		t.Setenv(name, "")
	}
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.AuthFailuresPerMinute != 30 || c.AuthFailuresBurst != 20 || c.IntakePerSecond != 20 || c.IntakeBurst != 40 {
		t.Errorf("defaults %v %v %v %v, want 30 20 20 40 (docs/operations.md)", c.AuthFailuresPerMinute, c.AuthFailuresBurst, c.IntakePerSecond, c.IntakeBurst)
	}
}
