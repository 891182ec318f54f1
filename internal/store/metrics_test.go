package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The metrics fixture: eleven complaints, nine of them opened in March 2025, each with
// a hand-written event log. Times are hours after the complaint's opened event.
//
//	     category  channel team        urgency tier    story
//	C1   product   web     care        high    high    ack 1h, resolved 5h, answer csat 5 nps 10 ces 2, closed verified
//	C2   product   phone   care        medium  high    resolved 2h straight from open (FCR), answer csat 4 (no nps/ces), closed verified
//	C3   service   web     care        high    medium  ack 0.5h, paused 1h, resumed 4h, resolved 10h, answer csat 3 nps 7 ces 4, closed verified
//	C4   service   app     logi        medium  low     ack 1h, paused 2h, resolved 8h (ends the pause), survey expired, closed unverified
//	C5   logistics phone   logi        high    low     breached 2h, sla_escalated 2h, escalation_requested 2.5h, ack 3h,
//	                                                   breached 24h, resolved 30h, answer csat 4 nps 8, closed verified
//	C6   logistics web     logi        low     low     resolved 4h (no ack), answer csat 2 nps 5 ces 5, reopened 5h, paused 6h,
//	                                                   resumed 7h, resolved 9h, answer csat 5 nps 9 ces 1, closed verified
//	C7   product   app     (none)      high    medium  escalation_requested 1h, breached 2h, resolution breached 24h;
//	                                                   never answered or resolved
//	C8   service   phone   (none)      low     high    ack 20h; not resolved, and not due: low urgency has no resolution
//	                                                   clock (the backlog), so it is out of resolution_due
//	C11  logistics app     logi        medium  medium  opened 31 Mar 22:00, resolved 6h later (in April) with no ack, survey sent
//	Owners (group_by=owner): ann C1 C3 C5, bob C2 C4 C6 C11, none C7 C8.
//	C9   opened 28 Feb 23:59:59 — before the period; its bad answers and escalation must not count
//	C10  opened 1 Apr 00:00 — at `to`, which the period excludes
//
// Per-complaint facts of the cohort (C1–C8, C11), in seconds:
//
//	     first response      resolution (net of pauses)           resolved sla known/breached esc reopen FCR verified
//	(resolution_due: every resolved complaint, and C7, whose resolution deadline passed)
//	(FCR: resolved, never reopened, escalation-requested, handed over or paused; an acknowledgement or a breach does not count against it)
//	C1   1h    = 3600        5h                      = 18000      yes      yes/no           no  no     yes yes
//	C2   2h    = 7200        2h                      = 7200       yes      yes/no           no  no     yes yes
//	C3   0.5h  = 1800        10h − (4h−1h) = 7h      = 25200      yes      yes/no           no  no     no  yes
//	C4   1h    = 3600        8h − (8h−2h)  = 2h      = 7200       yes      yes/no           no  no     no  no (unverified)
//	C5   3h    = 10800       30h                     = 108000     yes      yes/yes          yes no     no  yes
//	C6   4h    = 14400       4h (the pause after the reopening does not count) = 14400
//	                                                              yes      yes/no           no  yes    no  yes
//	C7   —                   —                                    no       yes/yes          yes no     —   no
//	C8   20h   = 72000       —                                    no       no/no            no  no     —   no
//	C11  6h    = 21600       6h                      = 21600      yes      yes/no           no  no     yes no (not closed)
//
// Survey answers: C1 (5,10,2) C2 (4,–,–) C3 (3,7,4) C5 (4,8,–) C6 (2,5,5) and (5,9,1), as (csat, nps, ces).
//
// percentile_cont(p) over n sorted values v0…v(n−1) is v(i) + f·(v(i+1) − v(i)) where
// i + f = p·(n−1). Rates are percentages rounded to 2 decimals (2 of 9 = 22.22).

var (
	metricsFrom = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	metricsTo   = time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
)

type metricsStep struct {
	hours float64
	event complaint.Event // Kind and payload; the rest is filled in
}

type metricsComplaint struct {
	name                                   string
	category, channel, team, urgency, tier string // team "" leaves team_id NULL
	owner                                  string // "" leaves owner NULL
	opened                                 time.Time
	steps                                  []metricsStep
}

func fxDay(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }

func fxInt(v int) *int { return &v }

func fxStep(hours float64, kind complaint.EventKind) metricsStep {
	return metricsStep{hours: hours, event: complaint.Event{Kind: kind}}
}

func fxBreach(hours float64, clock complaint.Clock) metricsStep {
	return metricsStep{hours: hours, event: complaint.Event{Kind: complaint.EventSLABreached, Clock: clock}}
}

// fxSurvey is the survey dimensions of a group whose answers have only CSAT: the
// overall satisfaction is their mean, the other questions have no answers.
func fxSurvey(answers int64, mean float64) quality.SurveyDimensions {
	d := quality.SurveyDimensions{OverallSatisfaction: quality.Mean{Answers: answers, Sum: int64(math.Round(float64(answers) * mean))}}
	if answers > 0 {
		d.OverallSatisfaction.Mean = fxNum(mean)
	}
	return d
}

func fxAnswer(hours float64, csat int, nps, ces *int) metricsStep {
	return metricsStep{hours: hours, event: complaint.Event{Kind: complaint.EventSurveyAnswered, SurveyID: uuid.NewString(),
		Survey: &complaint.SurveyAnswer{CSAT: csat, NPS: nps, CES: ces, Solved: csat >= 3}}}
}

func fxClosed(hours float64, v complaint.Verification) metricsStep {
	return metricsStep{hours: hours, event: complaint.Event{Kind: complaint.EventClosed, Status: complaint.StatusClosed, Verification: v}}
}

var metricsFixture = []metricsComplaint{
	{name: "C1", owner: "ann", category: "product", channel: "web", team: "care", urgency: "high", tier: "high", opened: fxDay(1),
		steps: []metricsStep{fxStep(1, complaint.EventAcknowledged), fxStep(5, complaint.EventResolved),
			fxAnswer(6, 5, fxInt(10), fxInt(2)), fxClosed(6, complaint.Verified)}},
	{name: "C2", owner: "bob", category: "product", channel: "phone", team: "care", urgency: "medium", tier: "high", opened: fxDay(2),
		steps: []metricsStep{fxStep(2, complaint.EventResolved), fxAnswer(3, 4, nil, nil), fxClosed(3, complaint.Verified)}},
	{name: "C3", owner: "ann", category: "service", channel: "web", team: "care", urgency: "high", tier: "medium", opened: fxDay(3),
		steps: []metricsStep{fxStep(0.5, complaint.EventAcknowledged), fxStep(1, complaint.EventPaused),
			fxStep(4, complaint.EventResumed), fxStep(10, complaint.EventResolved),
			fxAnswer(11, 3, fxInt(7), fxInt(4)), fxClosed(11, complaint.Verified)}},
	{name: "C4", owner: "bob", category: "service", channel: "app", team: "logi", urgency: "medium", tier: "low", opened: fxDay(4),
		steps: []metricsStep{fxStep(1, complaint.EventAcknowledged), fxStep(2, complaint.EventPaused),
			fxStep(8, complaint.EventResolved), fxStep(8, complaint.EventSurveySent), fxStep(80, complaint.EventSurveyExpired),
			fxClosed(80, complaint.Unverified)}},
	{name: "C5", owner: "ann", category: "logistics", channel: "phone", team: "logi", urgency: "high", tier: "low", opened: fxDay(5),
		steps: []metricsStep{fxBreach(2, complaint.ClockFirstResponse), fxStep(2, complaint.EventSLAEscalated),
			fxStep(2.5, complaint.EventEscalationRequest), fxStep(3, complaint.EventAcknowledged),
			fxBreach(24, complaint.ClockResolution), fxStep(30, complaint.EventResolved),
			fxAnswer(31, 4, fxInt(8), nil), fxClosed(31, complaint.Verified)}},
	{name: "C6", owner: "bob", category: "logistics", channel: "web", team: "logi", urgency: "low", tier: "low", opened: fxDay(6),
		steps: []metricsStep{fxStep(4, complaint.EventResolved), fxAnswer(5, 2, fxInt(5), fxInt(5)),
			fxStep(5, complaint.EventReopened), fxStep(6, complaint.EventPaused), fxStep(7, complaint.EventResumed),
			fxStep(9, complaint.EventResolved), fxAnswer(10, 5, fxInt(9), fxInt(1)), fxClosed(10, complaint.Verified)}},
	{name: "C7", category: "product", channel: "app", team: "", urgency: "high", tier: "medium", opened: fxDay(7),
		steps: []metricsStep{fxStep(1, complaint.EventEscalationRequest), fxBreach(2, complaint.ClockFirstResponse),
			fxBreach(24, complaint.ClockResolution)}},
	{name: "C8", category: "service", channel: "phone", team: "", urgency: "low", tier: "high", opened: fxDay(8),
		steps: []metricsStep{fxStep(20, complaint.EventAcknowledged)}},
	{name: "C11", owner: "bob", category: "logistics", channel: "app", team: "logi", urgency: "medium", tier: "medium",
		opened: time.Date(2025, 3, 31, 22, 0, 0, 0, time.UTC),
		steps:  []metricsStep{fxStep(6, complaint.EventResolved), fxStep(6, complaint.EventSurveySent)}},
	// Outside the period: were they counted, volume, CSAT, NPS and escalation would all move.
	{name: "C9", category: "product", channel: "web", team: "care", urgency: "high", tier: "high",
		opened: metricsFrom.Add(-time.Second),
		steps: []metricsStep{fxStep(1, complaint.EventResolved), fxAnswer(2, 1, fxInt(0), fxInt(7)),
			fxStep(2, complaint.EventReopened), fxStep(3, complaint.EventEscalationRequest)}},
	{name: "C10", category: "service", channel: "web", team: "care", urgency: "low", tier: "low", opened: metricsTo,
		steps: []metricsStep{fxStep(1, complaint.EventResolved), fxAnswer(2, 1, fxInt(0), fxInt(7))}},
}

// insertMetricsFixture writes the fixture straight into complaints and
// complaint_events; each event's data is the JSON of a complaint.Event, as the log holds.
func insertMetricsFixture(t *testing.T, st *store.Store) {
	t.Helper()
	db := st.DB()
	for _, c := range metricsFixture {
		id := uuid.NewString()
		var team, owner any
		if c.team != "" {
			team = c.team
		}
		if c.owner != "" {
			owner = c.owner
		}
		_, err := db.Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
				customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
				created_at, first_response_due_at, team_id, owner)
			VALUES ($1, $2, 'hash', $3, $4, 'cust', '客户', $5, $6, $7, 'subject', 'description', 7200, $8, $9, $10, $11)`,
			id, "metrics-"+c.name, "complaint:"+id, c.channel, c.tier, c.category, c.urgency,
			c.opened, c.opened.Add(2*time.Hour), team, owner)
		if err != nil {
			t.Fatalf("insert %s: %v", c.name, err)
		}
		steps := append([]metricsStep{{hours: 0, event: complaint.Event{Kind: complaint.EventOpened, Status: complaint.StatusOpen}}}, c.steps...)
		for i, s := range steps {
			e := s.event
			e.ComplaintID, e.Key, e.Actor = id, fmt.Sprintf("%s/%d", c.name, i), "fixture"
			e.At = c.opened.Add(time.Duration(s.hours * float64(time.Hour)))
			data, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, e.Key, e.Kind, e.Actor, e.At, string(data)); err != nil {
				t.Fatalf("insert %s event %s: %v", c.name, e.Kind, err)
			}
		}
	}
}

func fxNum(v float64) *float64 { return &v }

func fxDist(n int64, p50, p90 *float64) quality.Percentiles {
	return quality.Percentiles{Count: n, P50: p50, P90: p90}
}

// wantTotal is the whole cohort, C1–C8 and C11 (volume 9).
var wantTotal = quality.MetricsGroup{
	Volume: 9,
	// 8 values: 1800 3600 3600 7200 10800 14400 21600 72000.
	// p50: 0.5·7 = 3.5 → 7200 + 0.5·(10800−7200) = 9000; p90: 0.9·7 = 6.3 → 21600 + 0.3·(72000−21600) = 36720.
	FirstResponseSeconds: fxDist(8, fxNum(9000), fxNum(36720)),
	// 7 values: 7200 7200 14400 18000 21600 25200 108000.
	// p50: 0.5·6 = 3 → 18000; p90: 0.9·6 = 5.4 → 25200 + 0.4·(108000−25200) = 58320.
	// (Not subtracting pauses would give C3 36000 and C4 28800, p50 21600.)
	ResolutionSeconds: fxDist(7, fxNum(18000), fxNum(58320)),
	Resolved:          7,
	// The 7 resolved + C7 (resolution breached); C8 has no resolution clock.
	ResolutionDue: 8,
	// Known: the 7 resolved + C7 (breached) = 8; breached C5, C7 → met 6; 6/8 = 75 %.
	SLAKnown: 8, SLAMet: 6, SLACompliancePct: fxNum(75),
	// C5, C7 of 9 = 22.22 %.
	Escalated: 2, EscalationRatePct: fxNum(22.22),
	// C6 of 7 resolved = 14.29 %.
	Reopened: 1, ReopenRatePct: fxNum(14.29),
	// C1, C2, C11 of 7 = 42.86 % (C3 and C4 were paused, C5 escalated, C6 reopened).
	FirstContactResolved: 3, FCRPct: fxNum(42.86),
	// csat 5 4 3 4 2 5: 4 of 6 ≥ 4 = 66.67 %.
	CSATAnswers: 6, CSATSatisfied: 4, CSATSatisfiedPct: fxNum(66.67),
	Survey: fxSurvey(6, 3.83), // overall satisfaction: the mean CSAT
	// nps 10 7 8 5 9: promoters 10, 9 = 2; detractors 5 = 1; (2 − 1)/5 = 20.
	NPSAnswers: 5, NPSPromoters: 2, NPSDetractors: 1, NPS: fxNum(20),
	// ces 2 4 5 1: 12/4 = 3.
	CESAnswers: 4, CES: fxNum(3),
	// verified C1 C2 C3 C5 C6 of 7 resolved = 71.43 % (of the 6 closed it would be 83.33 %).
	Verified: 5, LoopClosurePct: fxNum(71.43),
}

// wantUnassigned is C7 and C8, which have neither team nor owner.
var wantUnassigned = quality.MetricsGroup{
	Key: "unassigned", Volume: 2,
	FirstResponseSeconds: fxDist(1, fxNum(72000), fxNum(72000)), // C8 alone
	ResolutionSeconds:    fxDist(0, nil, nil),
	// Nothing resolved: every rate over the resolved complaints is null.
	Resolved: 0, ResolutionDue: 1, SLAKnown: 1, SLAMet: 0, SLACompliancePct: fxNum(0), // C7 breached
	Escalated: 1, EscalationRatePct: fxNum(50), // C7
	Reopened: 0, ReopenRatePct: nil,
	FirstContactResolved: 0, FCRPct: nil,
	CSATAnswers: 0, CSATSatisfiedPct: nil, NPS: nil, CES: nil,
	Survey:   fxSurvey(0, 0),
	Verified: 0, LoopClosurePct: nil,
}

// wantGroups holds every group of every grouping.
var wantGroups = map[string][]quality.MetricsGroup{
	"category": {
		{ // C5 C6 C11
			Key: "logistics", Volume: 3,
			// 10800 14400 21600: p50 14400; p90 1.8 → 14400 + 0.8·7200 = 20160.
			FirstResponseSeconds: fxDist(3, fxNum(14400), fxNum(20160)),
			// 14400 21600 108000: p50 21600; p90 1.8 → 21600 + 0.8·86400 = 90720.
			ResolutionSeconds: fxDist(3, fxNum(21600), fxNum(90720)),
			Resolved:          3, ResolutionDue: 3, SLAKnown: 3, SLAMet: 2, SLACompliancePct: fxNum(66.67), // C5 breached
			Escalated: 1, EscalationRatePct: fxNum(33.33), // C5
			Reopened: 1, ReopenRatePct: fxNum(33.33), // C6
			FirstContactResolved: 1, FCRPct: fxNum(33.33), // C11
			CSATAnswers: 3, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(66.67), // 4 2 5
			Survey:     fxSurvey(3, 3.67),                                   // overall satisfaction: the mean CSAT
			NPSAnswers: 3, NPSPromoters: 1, NPSDetractors: 1, NPS: fxNum(0), // 8 5 9: (1−1)/3
			CESAnswers: 2, CES: fxNum(3), // (5+1)/2
			Verified: 2, LoopClosurePct: fxNum(66.67), // C5 C6 of 3
		},
		{ // C1 C2 C7
			Key: "product", Volume: 3,
			// 3600 7200: p50 0.5 → 5400; p90 0.9 → 3600 + 0.9·3600 = 6840.
			FirstResponseSeconds: fxDist(2, fxNum(5400), fxNum(6840)),
			// 7200 18000: p50 12600; p90 7200 + 0.9·10800 = 16920.
			ResolutionSeconds: fxDist(2, fxNum(12600), fxNum(16920)),
			Resolved:          2, ResolutionDue: 3, SLAKnown: 3, SLAMet: 2, SLACompliancePct: fxNum(66.67), // C7 breached
			Escalated: 1, EscalationRatePct: fxNum(33.33), // C7
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 2, FCRPct: fxNum(100), // C1 C2
			CSATAnswers: 2, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(100), // 5 4
			Survey:     fxSurvey(2, 4.5),                                      // overall satisfaction: the mean CSAT
			NPSAnswers: 1, NPSPromoters: 1, NPSDetractors: 0, NPS: fxNum(100), // 10
			CESAnswers: 1, CES: fxNum(2),
			Verified: 2, LoopClosurePct: fxNum(100),
		},
		{ // C3 C4 C8
			Key: "service", Volume: 3,
			// 1800 3600 72000: p50 3600; p90 1.8 → 3600 + 0.8·68400 = 58320.
			FirstResponseSeconds: fxDist(3, fxNum(3600), fxNum(58320)),
			// 7200 25200: p50 16200; p90 7200 + 0.9·18000 = 23400.
			ResolutionSeconds: fxDist(2, fxNum(16200), fxNum(23400)),
			Resolved:          2, ResolutionDue: 2, SLAKnown: 2, SLAMet: 2, SLACompliancePct: fxNum(100), // C8's outcome unknown
			Escalated: 0, EscalationRatePct: fxNum(0),
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 0, FCRPct: fxNum(0),
			CSATAnswers: 1, CSATSatisfied: 0, CSATSatisfiedPct: fxNum(0), // 3
			Survey:     fxSurvey(1, 3),                                      // overall satisfaction: the mean CSAT
			NPSAnswers: 1, NPSPromoters: 0, NPSDetractors: 0, NPS: fxNum(0), // 7 is passive
			CESAnswers: 1, CES: fxNum(4),
			Verified: 1, LoopClosurePct: fxNum(50), // C3 of 2
		},
	},
	"channel": {
		{ // C4 C7 C11
			Key: "app", Volume: 3,
			// 3600 21600: p50 12600; p90 3600 + 0.9·18000 = 19800.
			FirstResponseSeconds: fxDist(2, fxNum(12600), fxNum(19800)),
			// 7200 21600: p50 14400; p90 7200 + 0.9·14400 = 20160.
			ResolutionSeconds: fxDist(2, fxNum(14400), fxNum(20160)),
			Resolved:          2, ResolutionDue: 3, SLAKnown: 3, SLAMet: 2, SLACompliancePct: fxNum(66.67), // C7 breached
			Escalated: 1, EscalationRatePct: fxNum(33.33),
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 1, FCRPct: fxNum(50), // C11
			// No answers at all: every survey metric is null.
			CSATAnswers: 0, CSATSatisfied: 0, CSATSatisfiedPct: nil,
			Survey:     fxSurvey(0, 0),
			NPSAnswers: 0, NPSPromoters: 0, NPSDetractors: 0, NPS: nil,
			CESAnswers: 0, CES: nil,
			Verified: 0, LoopClosurePct: fxNum(0), // C4 unverified, C11 not closed
		},
		{ // C2 C5 C8
			Key: "phone", Volume: 3,
			// 7200 10800 72000: p50 10800; p90 1.8 → 10800 + 0.8·61200 = 59760.
			FirstResponseSeconds: fxDist(3, fxNum(10800), fxNum(59760)),
			// 7200 108000: p50 57600; p90 7200 + 0.9·100800 = 97920.
			ResolutionSeconds: fxDist(2, fxNum(57600), fxNum(97920)),
			Resolved:          2, ResolutionDue: 2, SLAKnown: 2, SLAMet: 1, SLACompliancePct: fxNum(50), // C5 breached
			Escalated: 1, EscalationRatePct: fxNum(33.33), // C5
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 1, FCRPct: fxNum(50), // C2
			CSATAnswers: 2, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(100), // 4 4
			Survey:     fxSurvey(2, 4),                                      // overall satisfaction: the mean CSAT
			NPSAnswers: 1, NPSPromoters: 0, NPSDetractors: 0, NPS: fxNum(0), // 8
			CESAnswers: 0, CES: nil, // neither answer had a CES
			Verified: 2, LoopClosurePct: fxNum(100),
		},
		{ // C1 C3 C6
			Key: "web", Volume: 3,
			// 1800 3600 14400: p50 3600; p90 1.8 → 3600 + 0.8·10800 = 12240.
			FirstResponseSeconds: fxDist(3, fxNum(3600), fxNum(12240)),
			// 14400 18000 25200: p50 18000; p90 1.8 → 18000 + 0.8·7200 = 23760.
			ResolutionSeconds: fxDist(3, fxNum(18000), fxNum(23760)),
			Resolved:          3, ResolutionDue: 3, SLAKnown: 3, SLAMet: 3, SLACompliancePct: fxNum(100),
			Escalated: 0, EscalationRatePct: fxNum(0),
			Reopened: 1, ReopenRatePct: fxNum(33.33), // C6
			FirstContactResolved: 1, FCRPct: fxNum(33.33), // C1; C3 was paused, C6 reopened
			CSATAnswers: 4, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(50), // 5 3 2 5
			Survey:     fxSurvey(4, 3.75),                                    // overall satisfaction: the mean CSAT
			NPSAnswers: 4, NPSPromoters: 2, NPSDetractors: 1, NPS: fxNum(25), // 10 7 5 9: (2−1)/4
			CESAnswers: 4, CES: fxNum(3), // (2+4+5+1)/4
			Verified: 3, LoopClosurePct: fxNum(100),
		},
	},
	"owner": {
		{ // C1 C3 C5
			Key: "ann", Volume: 3,
			// 1800 3600 10800: p50 3600; p90 1.8 → 3600 + 0.8·7200 = 9360.
			FirstResponseSeconds: fxDist(3, fxNum(3600), fxNum(9360)),
			// 18000 25200 108000: p50 25200; p90 1.8 → 25200 + 0.8·82800 = 91440.
			ResolutionSeconds: fxDist(3, fxNum(25200), fxNum(91440)),
			Resolved:          3, ResolutionDue: 3, SLAKnown: 3, SLAMet: 2, SLACompliancePct: fxNum(66.67), // C5 breached
			Escalated: 1, EscalationRatePct: fxNum(33.33), // C5
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 1, FCRPct: fxNum(33.33), // C1; C3 was paused, C5 escalated
			CSATAnswers: 3, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(66.67), // 5 3 4
			Survey:     fxSurvey(3, 4),                                          // (5+3+4)/3
			NPSAnswers: 3, NPSPromoters: 1, NPSDetractors: 0, NPS: fxNum(33.33), // 10 7 8: (1−0)/3
			CESAnswers: 2, CES: fxNum(3), // (2+4)/2
			Verified: 3, LoopClosurePct: fxNum(100),
		},
		{ // C2 C4 C6 C11
			Key: "bob", Volume: 4,
			// 3600 7200 14400 21600: p50 1.5 → 7200 + 0.5·7200 = 10800; p90 2.7 → 14400 + 0.7·7200 = 19440.
			FirstResponseSeconds: fxDist(4, fxNum(10800), fxNum(19440)),
			// 7200 7200 14400 21600: p50 1.5 → 10800; p90 2.7 → 19440.
			ResolutionSeconds: fxDist(4, fxNum(10800), fxNum(19440)),
			Resolved:          4, ResolutionDue: 4, SLAKnown: 4, SLAMet: 4, SLACompliancePct: fxNum(100),
			Escalated: 0, EscalationRatePct: fxNum(0),
			Reopened: 1, ReopenRatePct: fxNum(25), // C6
			FirstContactResolved: 2, FCRPct: fxNum(50), // C2 C11
			CSATAnswers: 3, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(66.67), // 4 2 5
			Survey:     fxSurvey(3, 3.67),                                   // 11/3
			NPSAnswers: 2, NPSPromoters: 1, NPSDetractors: 1, NPS: fxNum(0), // 5 9
			CESAnswers: 2, CES: fxNum(3), // (5+1)/2
			Verified: 2, LoopClosurePct: fxNum(50), // C2 C6 of 4 (C4 unverified, C11 not closed)
		},
		wantUnassigned,
	},
	"team": {
		{ // C1 C2 C3
			Key: "care", Volume: 3,
			// 1800 3600 7200: p50 3600; p90 1.8 → 3600 + 0.8·3600 = 6480.
			FirstResponseSeconds: fxDist(3, fxNum(3600), fxNum(6480)),
			// 7200 18000 25200: p50 18000; p90 1.8 → 18000 + 0.8·7200 = 23760.
			ResolutionSeconds: fxDist(3, fxNum(18000), fxNum(23760)),
			Resolved:          3, ResolutionDue: 3, SLAKnown: 3, SLAMet: 3, SLACompliancePct: fxNum(100),
			Escalated: 0, EscalationRatePct: fxNum(0),
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 2, FCRPct: fxNum(66.67), // C1 C2
			CSATAnswers: 3, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(66.67), // 5 4 3
			Survey:     fxSurvey(3, 4),                                       // overall satisfaction: the mean CSAT
			NPSAnswers: 2, NPSPromoters: 1, NPSDetractors: 0, NPS: fxNum(50), // 10 7
			CESAnswers: 2, CES: fxNum(3), // (2+4)/2
			Verified: 3, LoopClosurePct: fxNum(100),
		},
		{ // C4 C5 C6 C11
			Key: "logi", Volume: 4,
			// 3600 10800 14400 21600: p50 1.5 → 12600; p90 2.7 → 14400 + 0.7·7200 = 19440.
			FirstResponseSeconds: fxDist(4, fxNum(12600), fxNum(19440)),
			// 7200 14400 21600 108000: p50 1.5 → 18000; p90 2.7 → 21600 + 0.7·86400 = 82080.
			ResolutionSeconds: fxDist(4, fxNum(18000), fxNum(82080)),
			Resolved:          4, ResolutionDue: 4, SLAKnown: 4, SLAMet: 3, SLACompliancePct: fxNum(75), // C5 breached
			Escalated: 1, EscalationRatePct: fxNum(25), // C5
			Reopened: 1, ReopenRatePct: fxNum(25), // C6
			FirstContactResolved: 1, FCRPct: fxNum(25), // C11
			CSATAnswers: 3, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(66.67), // 4 2 5
			Survey:     fxSurvey(3, 3.67),                                   // overall satisfaction: the mean CSAT
			NPSAnswers: 3, NPSPromoters: 1, NPSDetractors: 1, NPS: fxNum(0), // 8 5 9
			CESAnswers: 2, CES: fxNum(3), // (5+1)/2
			Verified: 2, LoopClosurePct: fxNum(50), // C5 C6 of 4
		},
		wantUnassigned, // C7 C8: team_id NULL
	},
	"urgency": {
		{ // C1 C3 C5 C7
			Key: "high", Volume: 4,
			// 1800 3600 10800: p50 3600; p90 1.8 → 3600 + 0.8·7200 = 9360.
			FirstResponseSeconds: fxDist(3, fxNum(3600), fxNum(9360)),
			// 18000 25200 108000: p50 25200; p90 1.8 → 25200 + 0.8·82800 = 91440.
			ResolutionSeconds: fxDist(3, fxNum(25200), fxNum(91440)),
			Resolved:          3, ResolutionDue: 4, SLAKnown: 4, SLAMet: 2, SLACompliancePct: fxNum(50), // C5 C7 breached
			Escalated: 2, EscalationRatePct: fxNum(50), // C5 C7
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 1, FCRPct: fxNum(33.33), // C1
			CSATAnswers: 3, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(66.67), // 5 3 4
			Survey:     fxSurvey(3, 4),                                          // overall satisfaction: the mean CSAT
			NPSAnswers: 3, NPSPromoters: 1, NPSDetractors: 0, NPS: fxNum(33.33), // 10 7 8
			CESAnswers: 2, CES: fxNum(3), // (2+4)/2
			Verified: 3, LoopClosurePct: fxNum(100),
		},
		{ // C6 C8
			Key: "low", Volume: 2,
			// 14400 72000: p50 43200; p90 14400 + 0.9·57600 = 66240.
			FirstResponseSeconds: fxDist(2, fxNum(43200), fxNum(66240)),
			// C6 alone; counting its post-reopening pause would give 10800.
			ResolutionSeconds: fxDist(1, fxNum(14400), fxNum(14400)),
			Resolved:          1, ResolutionDue: 1, SLAKnown: 1, SLAMet: 1, SLACompliancePct: fxNum(100),
			Escalated: 0, EscalationRatePct: fxNum(0),
			Reopened: 1, ReopenRatePct: fxNum(100),
			FirstContactResolved: 0, FCRPct: fxNum(0),
			CSATAnswers: 2, CSATSatisfied: 1, CSATSatisfiedPct: fxNum(50), // 2 5
			Survey:     fxSurvey(2, 3.5),                                    // overall satisfaction: the mean CSAT
			NPSAnswers: 2, NPSPromoters: 1, NPSDetractors: 1, NPS: fxNum(0), // 5 9
			CESAnswers: 2, CES: fxNum(3), // (5+1)/2
			Verified: 1, LoopClosurePct: fxNum(100),
		},
		{ // C2 C4 C11
			Key: "medium", Volume: 3,
			// 3600 7200 21600: p50 7200; p90 1.8 → 7200 + 0.8·14400 = 18720.
			FirstResponseSeconds: fxDist(3, fxNum(7200), fxNum(18720)),
			// 7200 7200 21600: p50 7200; p90 1.8 → 7200 + 0.8·14400 = 18720.
			ResolutionSeconds: fxDist(3, fxNum(7200), fxNum(18720)),
			Resolved:          3, ResolutionDue: 3, SLAKnown: 3, SLAMet: 3, SLACompliancePct: fxNum(100),
			Escalated: 0, EscalationRatePct: fxNum(0),
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 2, FCRPct: fxNum(66.67), // C2 C11
			CSATAnswers: 1, CSATSatisfied: 1, CSATSatisfiedPct: fxNum(100), // C2's 4
			Survey:     fxSurvey(1, 4), // overall satisfaction: the mean CSAT
			NPSAnswers: 0, NPS: nil,    // C2 gave no NPS
			CESAnswers: 0, CES: nil,
			Verified: 1, LoopClosurePct: fxNum(33.33), // C2
		},
	},
	"tier": {
		{ // C1 C2 C8
			Key: "high", Volume: 3,
			// 3600 7200 72000: p50 7200; p90 1.8 → 7200 + 0.8·64800 = 59040.
			FirstResponseSeconds: fxDist(3, fxNum(7200), fxNum(59040)),
			// 7200 18000: p50 12600; p90 7200 + 0.9·10800 = 16920.
			ResolutionSeconds: fxDist(2, fxNum(12600), fxNum(16920)),
			Resolved:          2, ResolutionDue: 2, SLAKnown: 2, SLAMet: 2, SLACompliancePct: fxNum(100),
			Escalated: 0, EscalationRatePct: fxNum(0),
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 2, FCRPct: fxNum(100), // C1 C2
			CSATAnswers: 2, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(100), // 5 4
			Survey:     fxSurvey(2, 4.5),                    // overall satisfaction: the mean CSAT
			NPSAnswers: 1, NPSPromoters: 1, NPS: fxNum(100), // 10
			CESAnswers: 1, CES: fxNum(2),
			Verified: 2, LoopClosurePct: fxNum(100),
		},
		{ // C4 C5 C6
			Key: "low", Volume: 3,
			// 3600 10800 14400: p50 10800; p90 1.8 → 10800 + 0.8·3600 = 13680.
			FirstResponseSeconds: fxDist(3, fxNum(10800), fxNum(13680)),
			// 7200 14400 108000: p50 14400; p90 1.8 → 14400 + 0.8·93600 = 89280.
			ResolutionSeconds: fxDist(3, fxNum(14400), fxNum(89280)),
			Resolved:          3, ResolutionDue: 3, SLAKnown: 3, SLAMet: 2, SLACompliancePct: fxNum(66.67), // C5 breached
			Escalated: 1, EscalationRatePct: fxNum(33.33), // C5
			Reopened: 1, ReopenRatePct: fxNum(33.33), // C6
			FirstContactResolved: 0, FCRPct: fxNum(0),
			CSATAnswers: 3, CSATSatisfied: 2, CSATSatisfiedPct: fxNum(66.67), // 4 2 5
			Survey:     fxSurvey(3, 3.67),                                   // overall satisfaction: the mean CSAT
			NPSAnswers: 3, NPSPromoters: 1, NPSDetractors: 1, NPS: fxNum(0), // 8 5 9
			CESAnswers: 2, CES: fxNum(3), // (5+1)/2
			Verified: 2, LoopClosurePct: fxNum(66.67), // C5 C6 of 3
		},
		{ // C3 C7 C11
			Key: "medium", Volume: 3,
			// 1800 21600: p50 11700; p90 1800 + 0.9·19800 = 19620.
			FirstResponseSeconds: fxDist(2, fxNum(11700), fxNum(19620)),
			// 21600 25200: p50 23400; p90 21600 + 0.9·3600 = 24840.
			ResolutionSeconds: fxDist(2, fxNum(23400), fxNum(24840)),
			Resolved:          2, ResolutionDue: 3, SLAKnown: 3, SLAMet: 2, SLACompliancePct: fxNum(66.67), // C7 breached
			Escalated: 1, EscalationRatePct: fxNum(33.33), // C7
			Reopened: 0, ReopenRatePct: fxNum(0),
			FirstContactResolved: 1, FCRPct: fxNum(50), // C11
			CSATAnswers: 1, CSATSatisfied: 0, CSATSatisfiedPct: fxNum(0), // 3
			Survey:     fxSurvey(1, 3),   // overall satisfaction: the mean CSAT
			NPSAnswers: 1, NPS: fxNum(0), // 7
			CESAnswers: 1, CES: fxNum(4),
			Verified: 1, LoopClosurePct: fxNum(50), // C3 of 2
		},
	},
}

func TestMetricsMatchTheHandComputedFixture(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	insertMetricsFixture(t, st)

	total, err := st.Metrics(ctx, metricsFrom, metricsTo, "")
	if err != nil {
		t.Fatal(err)
	}
	compareMetrics(t, "total", total.Total, wantTotal)
	if len(total.Groups) != 0 {
		t.Errorf("ungrouped report has groups %v", total.Groups)
	}

	groupings := store.MetricsGroupings()
	if got := fmt.Sprint(groupings); got != "[category channel owner team tier urgency]" {
		t.Errorf("groupings %s", got)
	}
	for _, by := range groupings {
		r, err := st.Metrics(ctx, metricsFrom, metricsTo, by)
		if err != nil {
			t.Fatalf("group by %s: %v", by, err)
		}
		if r.GroupBy != by || !r.From.Equal(metricsFrom) || !r.To.Equal(metricsTo) {
			t.Errorf("group by %s: report says %q from %v to %v", by, r.GroupBy, r.From, r.To)
		}
		compareMetrics(t, by+" total", r.Total, wantTotal)
		want := wantGroups[by]
		var got, keys []string
		for _, g := range r.Groups {
			got = append(got, g.Key)
		}
		for _, g := range want {
			keys = append(keys, g.Key)
		}
		if !sort.StringsAreSorted(keys) || fmt.Sprint(got) != fmt.Sprint(keys) {
			t.Errorf("group by %s: got groups %v, want %v", by, got, keys)
			continue
		}
		for i := range want {
			compareMetrics(t, by+"="+want[i].Key, r.Groups[i], want[i])
		}
	}
}

func TestMetricsOfAnEmptyPeriodAreNull(t *testing.T) {
	st := newStore(t)
	insertMetricsFixture(t, st)
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	r, err := st.Metrics(context.Background(), from, from.AddDate(0, 1, 0), "team")
	if err != nil {
		t.Fatal(err)
	}
	compareMetrics(t, "empty", r.Total, quality.MetricsGroup{})
	if len(r.Groups) != 0 {
		t.Errorf("empty period has groups %v", r.Groups)
	}
}

func TestMetricsRefusesBadArguments(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	if _, err := st.Metrics(ctx, metricsFrom, metricsTo, "owner; DROP TABLE complaints"); !errors.Is(err, store.ErrUnknownGrouping) {
		t.Errorf("unknown grouping: got %v, want ErrUnknownGrouping", err)
	}
	if _, err := st.Metrics(ctx, metricsTo, metricsFrom, ""); err == nil {
		t.Error("from after to: got no error")
	}
}

// compareMetrics compares every JSON field of the two groups, so a field added to
// MetricsGroup is compared too. Numbers match within 1e-9: the store rounds rates to
// 2 decimals and percentiles to the millisecond, so the hand values are exact.
func compareMetrics(t *testing.T, label string, got, want quality.MetricsGroup) {
	t.Helper()
	g, w := metricsFields(t, got), metricsFields(t, want)
	for name, wv := range w {
		gv, ok := g[name]
		if !ok {
			t.Errorf("%s: %s missing", label, name)
			continue
		}
		if !sameMetric(gv, wv) {
			t.Errorf("%s: %s got %v, want %v", label, name, gv, wv)
		}
	}
	for name, gv := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: unexpected %s %v", label, name, gv)
		}
	}
}

func metricsFields(t *testing.T, m quality.MetricsGroup) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	// Flatten the objects into "first_response_seconds.p50",
	// "survey.response_speed.mean" and so on.
	flat := map[string]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		obj, ok := v.(map[string]any)
		if !ok {
			flat[prefix] = v
			return
		}
		for k, sub := range obj {
			walk(strings.TrimPrefix(prefix+"."+k, "."), sub)
		}
	}
	walk("", fields)
	return flat
}

func sameMetric(got, want any) bool {
	gf, gok := got.(float64)
	wf, wok := want.(float64)
	if gok && wok {
		return math.Abs(gf-wf) <= 1e-9*math.Max(1, math.Abs(wf))
	}
	return got == want
}
