package service

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/activities"
)

// The worker's send counter: every series a send can reach (channel × recipient ×
// status) at 0 from the start, each reported send counted on its own series.
func TestCountSends(t *testing.T) {
	reg := prometheus.NewRegistry()
	acts := &activities.Activities{}
	if err := CountSends(acts, reg); err != nil {
		t.Fatal(err)
	}
	acts.Sends("email", "customer", "failed")
	acts.Sends("email", "customer", "failed")
	acts.Sends("webhook", "staff", "sent")
	families, err := reg.Gather()
	if err != nil || len(families) != 1 || families[0].GetName() != "complaintflow_notification_sends_total" {
		t.Fatalf("gathered %v, %v; want the one counter", families, err)
	}
	got := map[string]float64{}
	for _, m := range families[0].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		got[labels["channel"]+"/"+labels["recipient"]+"/"+labels["status"]] = m.GetCounter().GetValue()
	}
	if len(got) != 28 || got["email/customer/failed"] != 2 || got["email/staff/failed"] != 0 || got["webhook/staff/sent"] != 1 ||
		got["log/staff/sent"] != 0 || got["callback/intake/uncertain"] != 0 {
		t.Errorf("series %v; want 28 (log, e-mail, webhook × customer, staff and callback × intake, each × sent, pending, failed, uncertain), email/customer/failed 2, webhook/staff/sent 1", got)
	}
	if err := CountSends(&activities.Activities{}, reg); err == nil {
		t.Error("registering twice in one registry: no error")
	}
}
