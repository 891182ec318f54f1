package console

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// Pauses pair each paused event with the resumed one after it; a pause still
// running has no end.
func TestPausesOf(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 3, 1, 9, m, 0, 0, time.UTC) }
	ev := func(kind string, m int, data string) apiclient.ComplaintEvent {
		var d any
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			t.Fatal(err)
		}
		return apiclient.ComplaintEvent{Kind: kind, OccurredAt: at(m), Data: d}
	}
	for _, tc := range []struct {
		name   string
		events []apiclient.ComplaintEvent
		want   []pause
	}{
		{"never paused", []apiclient.ComplaintEvent{ev("opened", 0, `{}`), ev("acknowledged", 1, `{}`)}, nil},
		{"paused and resumed twice, then paused", []apiclient.ComplaintEvent{
			ev("opened", 0, `{}`),
			ev("paused", 1, `{"reason":"waiting for photos"}`),
			ev("resumed", 4, `{"paused_seconds":180}`),
			ev("paused", 5, `{"reason":"waiting for the invoice"}`),
			ev("resumed", 6, `{"paused_seconds":60}`),
			ev("paused", 7, `{"reason":"again"}`),
		}, []pause{
			{From: at(1), Until: at(4), Reason: "waiting for photos", Seconds: 180},
			{From: at(5), Until: at(6), Reason: "waiting for the invoice", Seconds: 60},
			{From: at(7), Reason: "again"},
		}},
		{"a resume without a pause is ignored", []apiclient.ComplaintEvent{ev("resumed", 2, `{"paused_seconds":5}`)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pausesOf(tc.events); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// The queue's filters reach the list API under its own names.
func TestQueueFiltersReachTheAPI(t *testing.T) {
	f := queueFilters{Owner: "any", Category: "logistics", Channel: "wechat", EscalationPending: "true"}
	p := f.params()
	if p.Owner != nil || p.Category == nil || (*p.Category)[0] != "logistics" || p.Channel == nil || (*p.Channel)[0] != "wechat" ||
		p.EscalationPending == nil || string(*p.EscalationPending) != "true" {
		t.Errorf("params %+v", p)
	}
	if got, want := string(f.Query()), "category=logistics&channel=wechat&escalation_pending=true&owner=any"; got != want {
		t.Errorf("query %q, want %q", got, want)
	}
}
