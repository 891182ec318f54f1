package e2e_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// A shift in the browser: an agent outside a complaint's team sees none of its
// action forms but one line saying why, its own agent sees them; a manager sees no
// quality-team forms (QA scoring, review schedules), lists what breaches within 4
// hours nearest first, and what the people in their reporting line own — and the
// two filters together.
func TestConsoleShowsWhatAViewerMayActOnAndWhatBreachesSoon(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL) // dora ← max ← lee ← ann (team care)
	ctx, admin := context.Background(), s.api(adminToken)
	team, err := admin.PutTeamWithResponse(ctx, "night", nil, apiclient.PutTeamRequest{Name: "Night shift"})
	s.want(201, team, err)
	oscar, err := admin.PutPersonWithResponse(ctx, "oscar", nil, apiclient.PutPersonRequest{Name: "Oscar",
		Role: apiclient.PersonRoleAgent, TeamId: ptr("night"), ManagerId: ptr("dora")})
	s.want(201, oscar, err)
	ann, osc, maxTok := s.personToken("agent", "ann"), s.personToken("agent", "oscar"), s.personToken("manager", "max")

	// ext: owner, team, first response due in hours.
	idOf := map[string]string{}
	for _, c := range []struct {
		ext, owner, team string
		due              float64
	}{{"ann-2h", "ann", "care", 2}, {"ann-30h", "ann", "care", 30}, {"oscar-1h", "oscar", "night", 1}, {"lee-3h", "lee", "care", 3}} {
		var id string
		if err := s.store.DB().GetContext(ctx, &id, `INSERT INTO complaints (id, external_id, request_hash, workflow_id,
				channel, customer_id, customer_name, customer_tier, category, urgency, subject, description, status,
				owner, team_id, sla_first_response_seconds, created_at, first_response_due_at, resolution_due_at)
			VALUES (gen_random_uuid(), $1, 'h', 'complaint:' || $1, 'web', 'c-' || $1, '王芳', 'low', 'logistics', 'high',
				'shift ' || $1, '物流慢', 'open', $2, $3, 7200, now(), now() + $4 * interval '1 hour',
				now() + 48 * interval '1 hour')
			RETURNING id::text`, c.ext, c.owner, c.team, c.due); err != nil {
			t.Fatal(err)
		}
		idOf[c.ext] = id
	}
	b := newBrowser(t, s.url)

	// Oscar (team night) on ann's complaint (team care): no action form, the reason.
	b.signIn(osc)
	b.navigate(s.url + "/console/complaints/" + idOf["ann-2h"])
	b.run("oscar's complaint page", chromedp.WaitVisible(chromedp.CSS(`#actions-why`)))
	if n := b.count(`.actions form`); n != 0 {
		t.Errorf("oscar is offered %d action forms on a complaint of another team", n)
	}
	if got := b.text(`#actions-why`); !strings.Contains(got, "oscar may act only on complaints they own or their team holds") {
		t.Errorf("the line saying why: %q", got)
	}
	b.screenshot("complaint-not-yours")
	b.signOut()
	// Ann, its owner, has the forms and no such line.
	b.signIn(ann)
	b.navigate(s.url + "/console/complaints/" + idOf["ann-2h"])
	b.run("ann's complaint page", chromedp.WaitVisible(chromedp.CSS(`#form-acknowledge`)))
	if b.exists(`#actions-why`) {
		t.Error("the complaint's owner is told they may not act on it")
	}
	b.signOut()

	// Max, a manager: the QA queue and the reviews read, without quality's forms.
	s.qaSample("ann")
	b.signIn(maxTok)
	b.navigate(s.url + "/console/qa")
	b.run("the QA queue", chromedp.WaitVisible(chromedp.CSS(`#qa-who`)))
	if n := b.count(`#qa-queue tr[data-id]`); n != 1 || b.exists(`.form-score`) {
		t.Errorf("the manager's QA queue: %d samples, scoring form shown %v; want 1 and no form", n, b.exists(`.form-score`))
	}
	b.navigate(s.url + "/console/reviews")
	b.run("the reviews", chromedp.WaitVisible(chromedp.CSS(`#reviews-who`)))
	if b.exists(`#form-schedule`) || b.exists(`#form-run-review`) {
		t.Error("the manager is offered the review forms")
	}

	// Breaching soon: due within 4 h, nearest first, whoever owns it.
	shown := func() []string {
		return get(b, "the queue's rows", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('#queue-rows tr[data-id]')).map(r => r.dataset.id)`))
	}
	want := func(exts ...string) []string {
		out := []string{}
		for _, e := range exts {
			out = append(out, idOf[e])
		}
		return out
	}
	b.navigate(s.url + "/console/")
	b.run("breaching within 4 h", chromedp.SetValue(chromedp.CSS(`#f-breaching`), "4"),
		clickThrough(`form.filters button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#queue-rows tr[data-id="`+idOf["oscar-1h"]+`"]:first-child`)))
	eventually(t, 10*time.Second, "breaching soon", func() bool { return slices.Equal(shown(), want("oscar-1h", "ann-2h", "lee-3h")) })
	b.screenshot("queue-breaching-soon")
	// My reports: what lee and ann own (max ← lee ← ann), not oscar's.
	b.run("my reports", clickThrough(`#preset-reports`),
		chromedp.WaitVisible(chromedp.CSS(`#preset-reports[aria-current=page]`)))
	eventually(t, 10*time.Second, "my reports", func() bool { return slices.Equal(shown(), want("ann-2h", "lee-3h", "ann-30h")) })
	// Both: the breaching filter keeps the reports filter.
	b.run("my reports breaching within 4 h", chromedp.SetValue(chromedp.CSS(`#f-breaching`), "4"),
		clickThrough(`form.filters button[type=submit]`),
		chromedp.WaitReady(chromedp.CSS(`#f-breaching option[value="4"][selected]`)))
	eventually(t, 10*time.Second, "my reports breaching soon", func() bool { return slices.Equal(shown(), want("ann-2h", "lee-3h")) })
	if url := get(b, "location", chromedp.Evaluate[string](`location.search`)); !strings.Contains(url, "reports_to=me") ||
		!strings.Contains(url, "breaching_within=4") {
		t.Errorf("the filters went to %q, want reports_to=me and breaching_within=4", url)
	}
}
