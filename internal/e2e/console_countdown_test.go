package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/null"
)

// The queue's countdown colours a row by its policy's own warnings, which the API
// reports with the complaint (sla.warning_percents), not by thresholds of the page:
// under a policy warning at 1, 2 and 95 % of a 200 s first response, a row a few
// seconds old reads "2% warning" at the second-strongest level — the default
// 50/75/90 % would still say on track. A complaint waiting on the customer reads
// paused.
func TestConsoleCountdownUsesThePolicyWarnings(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	s.putPolicy(apiclient.High, apiclient.High, apiclient.PutPolicyRequest{FirstResponse: "200s", Resolution: ptr("1h"),
		WarningPercents: &[]int{1, 2, 95}, EscalationLevels: &[]apiclient.EscalationLevel{}})
	ann := s.personToken("agent", "ann")
	warned := s.file(adminToken, "countdown-warn", apiclient.High, apiclient.High).Id.String()
	paused := s.file(adminToken, "countdown-paused", apiclient.High, apiclient.High).Id.String()
	for _, id := range []string{warned, paused} {
		eventually(t, 30*time.Second, "complaint "+id+" routed to ann", func() bool {
			c, err := s.store.Complaint(context.Background(), id)
			return err == nil && null.Value(c.Owner) == "ann"
		})
	}
	res := s.must(200, s.do("GET", "/v1/complaints/"+warned, ann, nil))
	if got := fmt.Sprint(res.body["sla"].(map[string]any)["warning_percents"]); got != "[1 2 95]" {
		t.Fatalf("sla.warning_percents = %s, want the policy's [1 2 95]", got)
	}
	s.must(200, s.do("POST", "/v1/complaints/"+paused+"/acknowledge", ann, map[string]any{"message": "We are on it."}))
	s.must(200, s.do("POST", "/v1/complaints/"+paused+"/pause", ann, map[string]any{"reason": "waiting for the receipt"}))

	b := newBrowser(t, s.url)
	b.signIn(ann)
	b.navigate(s.url + "/console/?owner=me")
	row := `tr[data-id="` + warned + `"] .countdown`
	b.run("the row at the policy's second warning", chromedp.WaitVisible(chromedp.CSS(row+`[data-level="warn-mid"]`)))
	if got := b.text(row); !strings.Contains(got, "2% warning") {
		t.Errorf("the warned row reads %q, want the policy's 2%% warning in words", got)
	}
	if !b.exists(row + `.level-warn-mid`) {
		t.Errorf("the warned row is not coloured at the second-strongest level")
	}
	// The workflow warns at the same marks the page shows.
	eventually(t, 60*time.Second, "the workflow's warnings at 1 and 2 %", func() bool { return s.count(warned, "sla_warning") >= 2 })

	prow := `tr[data-id="` + paused + `"] .countdown`
	b.run("the paused row", chromedp.WaitVisible(chromedp.CSS(prow+`[data-level="paused"]`)))
	if got := b.text(prow); !strings.Contains(got, "paused") {
		t.Errorf("the paused row reads %q, want paused in words", got)
	}
	if !b.exists(prow + `.level-paused`) {
		t.Errorf("the paused row is not shown as paused")
	}
	b.screenshot("queue-warnings")
}
