package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
	"github.com/complaintflow/complaintflow/workflows"
	openapi_types "github.com/oapi-codegen/runtime/types"
)

// A backlog item done tells the customer (002 §3.4): the quality team gives a
// suggestion an owner and a due date, refuses bad values naming each field, and
// marks it done; the customer who suggested it gets one mail, however often it is
// marked done.
func TestBacklogItemDoneTellsTheCustomer(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	s := newStack(t, notify.SMTP{Addr: mails.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone})
	s.qualityTeam()
	ctx, quality := context.Background(), s.token("quality")
	email := openapi_types.Email(customerEmail)
	sug, err := s.api(s.token("intake")).PostFeedbackWithResponse(ctx, apiclient.FeedbackRequest{
		ExternalId: ptr(fmt.Sprint("app-", time.Now().UnixNano())), Kind: apiclient.FeedbackKindSuggestion, Channel: apiclient.ChannelApp,
		Text:     ptr("建议增加夜间配送时段，希望晚上也能送货"),
		Customer: &apiclient.Customer{Id: "cust-1", Name: "张伟", Tier: apiclient.Medium, Email: &email},
	})
	s.want(201, sug, err)
	id := *sug.JSON201.BacklogId
	path := "/v1/improvement-backlog/" + id

	bad := s.do("PATCH", path, quality, map[string]any{"owner": "Nobody Here", "due_on": "31/12/2026", "cycle_id": "x"})
	if got := fieldsOf(bad); bad.status != 400 || !slices.Equal(got, []string{"owner", "due_on", "cycle_id"}) {
		t.Fatalf("bad patch: %d %s", bad.status, bad.raw)
	}
	unknown := s.do("PATCH", path, quality, map[string]any{"owner": "nobody"})
	if unknown.status != 400 || !slices.Equal(fieldsOf(unknown), []string{"owner"}) {
		t.Fatalf("unknown owner: %d %s", unknown.status, unknown.raw)
	}
	planned := s.must(200, s.do("PATCH", path, quality, map[string]any{"status": "planned", "owner": "quinn", "due_on": "2026-12-31"})).body
	if planned["owner"] != "quinn" || planned["due_on"] != "2026-12-31" || planned["done_at"] != nil {
		t.Fatalf("planned: %v", planned)
	}
	if n := s.countWhere("notifications", "recipient = 'customer'"); n != 0 {
		t.Fatalf("%d customer notices before done", n)
	}

	done := s.must(200, s.do("PATCH", path, quality, map[string]any{"status": "done"})).body
	if done["done_at"] == nil || done["owner"] != "quinn" {
		t.Fatalf("done: %v", done)
	}
	mail := awaitMail(t, mails, "感谢您的建议")
	if !strings.Contains(mail.Body, "张伟") || !strings.Contains(mail.Body, "建议增加夜间配送时段") {
		t.Errorf("mail: %s", mail.Body)
	}
	s.must(200, s.do("PATCH", path, quality, map[string]any{"status": "done"}))
	eventually(t, 30*time.Second, "the notice workflow done", func() bool {
		d, err := s.temporal.DescribeWorkflowExecution(ctx, workflows.SuggestionDoneWorkflowID(id), "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Completed"
	})
	// Completed: its notice's delivery is done, so the count is final.
	if n := len(mailsTo(mails, "感谢您的建议")); n != 1 {
		t.Errorf("%d mails, want 1", n)
	}
	s.checkHistory(workflows.SuggestionDoneWorkflowID(id), "suggestion_done_told_customer")

	// The month's insight report lists the suggestion, done, and its keywords; as CSV too.
	month := time.Now().UTC().Format("2006-01")
	report := s.must(200, s.do("GET", "/v1/insight-report?period="+month, quality, nil)).body
	sugs := report["suggestions"].([]any)
	if len(sugs) != 1 || sugs[0].(map[string]any)["id"] != id || report["backlog"].(map[string]any)["done"] != 1.0 {
		t.Errorf("insight report: %v", report)
	}
	if kws := report["feedback_keywords"].([]any); len(kws) == 0 {
		t.Errorf("no feedback keywords: %v", report)
	}
	csv := s.do("GET", "/v1/insight-report?format=csv&period="+month, quality, nil)
	if csv.status != 200 || !strings.HasPrefix(csv.raw, "section,item,category,now,before") || !strings.Contains(csv.raw, "\nsuggestion,建议增加夜间配送时段") {
		t.Errorf("insight CSV: %d %s", csv.status, csv.raw)
	}
	badQuery := s.do("GET", "/v1/insight-report?period=2026-13&format=pdf", quality, nil)
	if got := fieldsOf(badQuery); badQuery.status != 400 || !slices.Equal(got, []string{"format", "period"}) {
		t.Errorf("bad report query: %d %s", badQuery.status, badQuery.raw)
	}
	// An empty zone is named like the metrics name it (PostgreSQL had it: a 500).
	noZone := s.do("GET", "/v1/insight-report?period="+month+"&time_zone=", quality, nil)
	if got := fieldsOf(noZone); noZone.status != 400 || !slices.Equal(got, []string{"time_zone"}) {
		t.Errorf("empty zone: %d %s", noZone.status, noZone.raw)
	}
}

// An on-demand review of a chosen period opens a cycle: two months ago (not the
// month a schedule would judge) logistics resolved 6 of 12, the others late; a
// monthly planning review of that month, asked for now, proposes the cycle and
// starts it.
func TestOnDemandReviewOfAChosenPeriodOpensACycle(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	quality := s.token("quality")
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Now().In(shanghai)
	chosen := time.Date(now.Year(), now.Month()-2, 1, 0, 0, 0, 0, shanghai)
	s.resolutionRuleOnly()
	for i := range 12 {
		opened := chosen.Add(48*time.Hour + time.Duration(i)*time.Hour)
		if i%2 == 0 {
			s.seedComplaint("logistics", opened, map[time.Duration]complaint.Event{2 * time.Hour: {Kind: complaint.EventResolved}})
		} else {
			s.seedComplaint("logistics", opened, lateResolution())
		}
	}

	bad := s.do("POST", "/v1/reviews", quality, map[string]any{"kind": "yearly", "period": "last month", "time_zone": "Mars/Base"})
	if got := fieldsOf(bad); bad.status != 400 || !slices.Equal(got, []string{"kind", "time_zone", "period"}) {
		t.Fatalf("bad review: %d %s", bad.status, bad.raw)
	}
	if s.countWhere("reviews", "true") != 0 {
		t.Fatal("a refused request recorded a review")
	}
	res, err := s.api(quality).RunReviewWithResponse(context.Background(), apiclient.RunReviewJSONRequestBody{
		Kind: apiclient.ReviewKindMonthlyPlanning, Period: chosen.Format("2006-01"), TimeZone: ptr("Asia/Shanghai")})
	s.want(202, res, err)
	started := res.JSON202
	if !started.PeriodFrom.Equal(chosen) || !started.PeriodTo.Equal(chosen.AddDate(0, 1, 0)) {
		t.Fatalf("period %v – %v, want %v", started.PeriodFrom, started.PeriodTo, chosen)
	}
	var review map[string]any
	eventually(t, 60*time.Second, "the review recorded", func() bool {
		r := s.do("GET", "/v1/reviews/"+started.Id, quality, nil)
		review = r.body
		return r.status == 200 && review["finished_at"] != nil
	})
	if review["schedule_id"] != "on-demand" {
		t.Errorf("schedule_id %v", review["schedule_id"])
	}
	opps := review["opportunities"].([]any)
	if len(opps) != 1 {
		t.Fatalf("opportunities %v", opps)
	}
	opp := opps[0].(map[string]any)
	cycleID, _ := opp["cycle_id"].(string)
	if opp["category"] != "logistics" || opp["cycle_opened"] != true || cycleID == "" {
		t.Fatalf("opportunity %v", opp)
	}
	eventually(t, 30*time.Second, "the cycle's workflow runs", func() bool {
		d, err := s.temporal.DescribeWorkflowExecution(context.Background(), workflows.PDCAWorkflowID(cycleID), "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Running"
	})
	list := items(s.must(200, s.do("GET", "/v1/reviews?kind=monthly_planning", quality, nil)))
	if len(list) != 1 || list[0]["id"] != started.Id {
		t.Errorf("reviews %v", list)
	}
	s.checkHistory(started.Id, "review_on_demand_opened_cycle")
}
