package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The queue in the browser with more complaints than one page: the complaint due
// soonest — the oldest filed, so not on a newest-first page — comes first, closed
// complaints are not in the queue, the next-page link continues in deadline order,
// the poll refreshes the page shown, and "My team" is the person's team.
func TestConsoleQueueNearestDeadlineFirstAcrossPages(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ann := s.personToken("agent", "ann")

	// 62 open complaints of ann's (team care): q-1 filed last, q-62 first; q-i's
	// first response is due in 70−i hours, so q-62 is due soonest (+8 h) and q-1 last
	// (+69 h). 5 closed ones, filed after all of them, were due hours ago.
	const open, perPage = 62, 50
	ctx := context.Background()
	if _, err := s.store.DB().ExecContext(ctx, `INSERT INTO complaints (id, external_id, request_hash, workflow_id,
			channel, customer_id, customer_name, customer_tier, category, urgency, subject, description, status,
			owner, team_id, sla_first_response_seconds, created_at, first_response_due_at, resolution_due_at)
		SELECT gen_random_uuid(), 'q-' || i, 'h', 'complaint:queue-' || i, 'web', 'c' || i, '王芳', 'low', 'logistics',
			'high', 'queue ' || i, '物流慢', 'open', 'ann', 'care', 7200, now() - i * interval '1 minute',
			now() + (70 - i) * interval '1 hour', now() + (100 - i) * interval '1 hour'
		FROM generate_series(1, $1) AS i`, open); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.DB().ExecContext(ctx, `INSERT INTO complaints (id, external_id, request_hash, workflow_id,
			channel, customer_id, customer_name, customer_tier, category, urgency, subject, description, status,
			owner, team_id, sla_first_response_seconds, created_at, first_response_due_at, resolution_due_at, closed_at)
		SELECT gen_random_uuid(), 'closed-' || i, 'h', 'complaint:closed-' || i, 'web', 'c' || i, '王芳', 'low',
			'logistics', 'high', 'closed ' || i, '物流慢', 'closed', 'ann', 'care', 7200, now(),
			now() - i * interval '1 hour', now() - i * interval '1 hour', now()
		FROM generate_series(1, 5) AS i`); err != nil {
		t.Fatal(err)
	}
	idOf := map[string]string{}
	var rows []struct {
		ID  string `db:"id"`
		Ext string `db:"external_id"`
	}
	if err := s.store.DB().SelectContext(ctx, &rows, `SELECT id::text, external_id FROM complaints`); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		idOf[r.Ext] = r.ID
	}
	want := func(from, to int) []string { // q-from down to q-to: soonest first
		var out []string
		for i := from; i >= to; i-- {
			out = append(out, idOf[fmt.Sprintf("q-%d", i)])
		}
		return out
	}
	closed := []string{idOf["closed-1"], idOf["closed-2"], idOf["closed-3"], idOf["closed-4"], idOf["closed-5"]}
	b := newBrowser(t, s.url)
	shown := func() []string {
		return get(b, "the queue's rows", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('#queue-rows tr[data-id]')).map(r => r.dataset.id)`))
	}
	checkPage := func(what string, want []string) {
		t.Helper()
		got := shown()
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d rows, first %v; want %d rows, first %v", what, len(got), got[:min(3, len(got))], len(want), want[:min(3, len(want))])
		}
		for _, id := range closed {
			if slices.Contains(got, id) {
				t.Errorf("%s shows closed complaint %s", what, id)
			}
		}
	}

	// An agent lands on their queue: still to do, the one due soonest first.
	b.signIn(ann)
	first := `#queue-rows tr[data-id="` + want(open, open)[0] + `"]:first-child`
	b.run("the soonest due first", chromedp.WaitVisible(chromedp.CSS(first)))
	checkPage("first page", want(open, open-perPage+1))
	if got := b.text(`#preset-mine`); got != "My queue" {
		t.Errorf("first preset %q, want My queue", got)
	}
	if got := get(b, "current preset", chromedp.Evaluate[string](`document.querySelector('[aria-current=page]#preset-mine') ? 'mine' : ''`)); got != "mine" {
		t.Error("My queue is not marked as the view shown")
	}
	b.screenshot("queue-nearest-deadline")

	// The next page continues in deadline order, and has no next page itself.
	b.run("next page", clickThrough(`#queue-next`), chromedp.WaitVisible(chromedp.CSS(`#queue-first`)))
	checkPage("second page", want(open-perPage, 1))
	if n := b.count(`#queue-next`); n != 0 {
		t.Errorf("the last page has %d next-page links", n)
	}
	// The poll refreshes the page shown: a change to a complaint on it appears.
	if _, err := s.store.DB().ExecContext(ctx, `UPDATE complaints SET subject = 'renamed on page two' WHERE external_id = 'q-5'`); err != nil {
		t.Fatal(err)
	}
	b.run("the second page refreshed", chromedp.WaitVisible(chromedp.Search(`//tbody[@id="queue-rows"]//a[contains(., "renamed on page two")]`)))
	checkPage("second page, refreshed", want(open-perPage, 1))
	b.screenshot("queue-next-page")

	// My team: the person's team from the directory, the same order.
	b.run("my team", clickThrough(`#preset-team`), chromedp.WaitVisible(chromedp.CSS(first)))
	if url := get(b, "location", chromedp.Evaluate[string](`location.search`)); !strings.Contains(url, "team_id=care") {
		t.Errorf("My team went to %q, want team_id=care", url)
	}
	checkPage("my team", want(open, open-perPage+1))
	// Every status: closed complaints have no running clock and come last.
	b.navigate(s.url + "/console/?owner=any&status=any")
	b.run("every status", chromedp.WaitVisible(chromedp.CSS(first)))
	eventually(t, 10*time.Second, "every status in deadline order", func() bool {
		return slices.Equal(shown(), want(open, open-perPage+1))
	})
}
