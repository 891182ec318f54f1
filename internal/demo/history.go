// Package demo is the history `make demo` seeds (issue 15 item 8): two months of
// handled complaints, survey answers and feedback, and the last two weeks' answers,
// shaped so that, within minutes of start, the monthly planning review finds
// improvement opportunities and opens PDCA cycles, the risk monitor opens an alert
// and QA sampling fills the QA queue; and the review schedules the demo creates.
// It is data only; scripts/devstack writes it through the store and the API.
package demo

import (
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Agents are the owners the history's complaints are shared between, as the demo
// directory has them (team care).
var Agents = []string{"ann", "ben"}

// Team is the team that handled the history.
const Team = "care"

// Schedule is a review schedule the demo creates and triggers once at start (a
// POST /v1/review-schedules body).
type Schedule struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	CronSpec string `json:"cron_spec"`
	TimeZone string `json:"time_zone"`
}

// Schedules are the demo's: the quality team's reviews, and the weekly QA sampling
// — triggered at start, it samples the history's last ISO week (the complaints
// closed 1 to 13 days ago always reach into it), so the QA queue holds samples of
// both agents at once. The risk monitor is the API's own.
var Schedules = []Schedule{
	{ID: "monthly-planning", Kind: "monthly_planning", CronSpec: "0 9 1 * *", TimeZone: "Asia/Shanghai"},
	{ID: "weekly-tracking", Kind: "weekly_tracking", CronSpec: "0 9 * * MON", TimeZone: "Asia/Shanghai"},
	{ID: "qa-sampling", Kind: "qa_sampling", CronSpec: "0 8 * * MON", TimeZone: "Asia/Shanghai"},
}

var (
	categories = []string{"logistics", "product", "service"}
	channels   = []string{"web", "wechat", "app", "phone"}
)

// handling is how one complaint of the history went, in hours after it opened.
type handling struct {
	ackH, resolvedH float64
	breachedH       float64 // 0: never breached; else the resolution clock breached then
	csat            int     // 0: no answer
	nps             int
	verified        bool
}

// History is the demo's past up to now, with months cut in loc (the planning
// review's time zone):
//
//   - the month before last: 30 complaints, every one resolved in 6 h within SLA,
//     27 of 30 answers satisfied (90 %);
//   - last month: 36 complaints; half of the 12 logistics ones breach their
//     resolution SLA (50 % compliance, under the 90 % target: an sla_compliance
//     opportunity for logistics) and satisfaction falls to 16 of 36 (44 %: a
//     csat_drop opportunity);
//   - the last two weeks: 12 answers a week before, all satisfied, and 12 in the
//     last week, 4 satisfied — the monitor's CSAT drop, red;
//   - 20 pieces of feedback over the two months, praise before and the slow
//     delivery ("物流慢") after.
//
// External IDs name the month and the number, so seeding again adds nothing.
func History(now time.Time, loc *time.Location) ([]store.HistoricComplaint, []store.HistoricFeedback) {
	local := now.In(loc)
	thisMonth := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc)
	before, last := thisMonth.AddDate(0, -2, 0), thisMonth.AddDate(0, -1, 0)
	var out []store.HistoricComplaint
	// Days 1–25 at 10:00: everything (at most 40 h) ends before the month does.
	day := func(month time.Time, i int) time.Time { return month.AddDate(0, 0, i%25).Add(10 * time.Hour) }
	for i := range 30 {
		h := handling{ackH: 1, resolvedH: 6, csat: 5, nps: 9, verified: true}
		if i%10 == 0 {
			h.csat, h.nps = 3, 7
		}
		out = append(out, historic(fmt.Sprintf("demo-history-%s-%03d", before.Format("2006-01"), i), categories[i%3], i, day(before, i), h))
	}
	for i := range 36 {
		category := categories[i%3]
		h := handling{ackH: 1, resolvedH: 8, csat: 5, nps: 9, verified: true}
		switch {
		case category == "logistics":
			h.csat, h.nps, h.verified = 2, 3, false
			if i%2 == 0 { // 6 of 12
				h.breachedH, h.resolvedH = 24, 40
			}
		case i%3 != 0 && (i/3)%3 == 0: // 8 of the 24 others
			h.csat, h.nps = 3, 6
		}
		out = append(out, historic(fmt.Sprintf("demo-history-%s-%03d", last.Format("2006-01"), i), category, i, day(last, i), h))
	}
	// The monitor's weeks, from now: answers 8–13 days ago, then 1–6 days ago.
	for i := range 24 {
		h := handling{ackH: 1, resolvedH: 2, csat: 5, nps: 9, verified: true}
		daysAgo := 8 + float64(i)*0.4
		if i >= 12 {
			daysAgo = 1.2 + float64(i-12)*0.4
			if i%3 != 0 { // 8 of 12 dissatisfied
				h.csat, h.nps, h.verified = 2, 4, false
			}
		}
		opened := now.Add(-time.Duration(daysAgo * 24 * float64(time.Hour))).Truncate(time.Minute)
		out = append(out, historic(fmt.Sprintf("demo-recent-%s-%03d", now.In(loc).Format("2006-01-02"), i), "service", i, opened, h))
	}
	return out, feedback(before, last)
}

func historic(id, category string, i int, opened time.Time, h handling) store.HistoricComplaint {
	at := func(hours float64) time.Time { return opened.Add(time.Duration(hours * float64(time.Hour))).UTC() }
	events := []complaint.Event{
		{Kind: complaint.EventOpened, Status: complaint.StatusOpen, At: at(0)},
		{Kind: complaint.EventAcknowledged, Status: complaint.StatusInProgress, At: at(h.ackH)},
	}
	if h.breachedH > 0 {
		events = append(events, complaint.Event{Kind: complaint.EventSLABreached, Clock: complaint.ClockResolution, At: at(h.breachedH)})
	}
	events = append(events, complaint.Event{Kind: complaint.EventResolved, Status: complaint.StatusResolved, At: at(h.resolvedH)})
	verification := complaint.Unverified
	if h.csat > 0 {
		nps := h.nps
		events = append(events, complaint.Event{Kind: complaint.EventSurveyAnswered, SurveyID: id + "/survey", At: at(h.resolvedH + 1),
			Survey: &complaint.SurveyAnswer{CSAT: h.csat, NPS: &nps, Solved: h.csat >= 3}})
		if h.verified {
			verification = complaint.Verified
		}
	}
	events = append(events, complaint.Event{Kind: complaint.EventClosed, Status: complaint.StatusClosed,
		Verification: verification, At: at(h.resolvedH + 2)})
	c := store.HistoricComplaint{
		ExternalID: id, Channel: channels[i%len(channels)], Category: category, Urgency: "medium", Tier: "medium",
		Team: Team, Owner: Agents[i%len(Agents)], CustomerID: fmt.Sprintf("demo-c-%03d", i),
		CustomerName: fmt.Sprintf("Demo customer %d", i), Status: complaint.StatusClosed, Events: events,
		Subject: "Question about my order", Description: "The order did not go as expected.",
	}
	if category == "logistics" {
		c.Subject, c.Description, c.Keywords = "包裹晚到", "物流慢，包裹晚到了三天。", []string{"物流慢"}
	}
	return c
}

func feedback(before, last time.Time) []store.HistoricFeedback {
	var out []store.HistoricFeedback
	for i := range 10 {
		five, two := 5, 2
		out = append(out,
			store.HistoricFeedback{ExternalID: fmt.Sprintf("demo-feedback-%s-%02d", before.Format("2006-01"), i),
				Kind: "rating", Channel: channels[i%len(channels)], Rating: &five, ProblemType: "service",
				Text: "客服很耐心，谢谢！", Sentiment: "positive", ReceivedAt: before.AddDate(0, 0, i*2).Add(15 * time.Hour)},
			store.HistoricFeedback{ExternalID: fmt.Sprintf("demo-feedback-%s-%02d", last.Format("2006-01"), i),
				Kind: "suggestion", Channel: channels[i%len(channels)], Rating: &two, ProblemType: "logistics",
				Text: "物流慢，希望能更快发货。", Keywords: []string{"物流慢"}, Sentiment: "negative",
				ReceivedAt: last.AddDate(0, 0, i*2).Add(15 * time.Hour)})
	}
	return out
}
