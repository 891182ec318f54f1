package e2e_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
	"github.com/complaintflow/complaintflow/workflows"
)

// awaitMail waits for the customer's mail whose subject starts with prefix.
func awaitMail(t *testing.T, mails *notifytest.SMTPServer, prefix string) notifytest.Mail {
	t.Helper()
	eventually(t, 30*time.Second, "the mail "+prefix, func() bool { return len(mailsTo(mails, prefix)) > 0 })
	return mailsTo(mails, prefix)[0]
}

// A zh-CN customer hears the acknowledgement (with the committed time), an agent's
// progress update (in the admin's version of the text) and the survey in Chinese;
// the survey page is Chinese and asks the seeds' questions, whose answers
// /v1/metrics reports per dimension.
func TestZhCNCustomerHearsChineseAndAnswersTheSeedsSurvey(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	s := newStack(t, notify.SMTP{Addr: mails.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone})
	agent := s.token("agent")
	start := time.Now().Add(-time.Second)

	body := complaintBody("zh-1", "medium", "medium")
	body["customer_locale"] = "zh-CN"
	filed := s.must(201, s.do("POST", "/v1/complaints", adminToken, body)).body
	id := filed["id"].(string)
	if filed["customer_locale"] != "zh-CN" {
		t.Fatalf("filed: customer_locale %v", filed["customer_locale"])
	}
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/acknowledge", agent, map[string]any{"message": "非常抱歉，我们马上处理"}))

	ack := awaitMail(t, mails, "我们已收到您的投诉")
	for _, want := range []string{"张伟，您好", "非常抱歉，我们马上处理", "我们承诺在 ", "年", "（Asia/Shanghai） 前解决您的问题"} {
		if !strings.Contains(ack.Body, want) {
			t.Errorf("acknowledgement mail lacks %q: %s", want, ack.Body)
		}
	}
	var row notify.Notification
	for _, n := range s.notifications(id) {
		if n.EventKind == "acknowledged" && n.Recipient == "customer" {
			row = n
		}
	}
	if !strings.HasPrefix(row.Subject, "我们已收到您的投诉（"+id) || !strings.Contains(row.Body, "非常抱歉") {
		t.Errorf("acknowledgement row: %q / %q", row.Subject, row.Body)
	}

	// The admin words the progress update; a template with an unknown variable is refused.
	bad := s.do("PUT", "/v1/message-templates/progress/zh-CN", adminToken,
		map[string]any{"subject": "进展", "body": "{{.message}} {{.owner_phone}}"})
	if bad.status != 400 || !strings.Contains(bad.raw, `owner_phone`) {
		t.Errorf("template with an unknown variable: %d %s", bad.status, bad.raw)
	}
	s.must(201, s.do("PUT", "/v1/message-templates/progress/zh-CN", adminToken,
		map[string]any{"subject": "投诉进展 {{.complaint_id}}", "body": "{{.customer_name}}：{{.message}}。承诺时间：{{.resolution_due_at}}"}))
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/progress", agent, map[string]any{"message": "快递公司已找到您的包裹"}))
	s.must(400, s.do("POST", "/v1/complaints/"+id+"/progress", agent, map[string]any{"message": ""}))
	progress := awaitMail(t, mails, "投诉进展 "+id)
	if !strings.Contains(progress.Body, "张伟：快递公司已找到您的包裹。承诺时间：") || !strings.Contains(progress.Body, "年") {
		t.Errorf("progress mail: %s", progress.Body)
	}
	if s.count(id, "progress_sent") != 1 {
		t.Errorf("events %v, want one progress_sent", s.eventKinds(id))
	}

	// The survey mail and page are Chinese.
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/resolve", agent, map[string]any{"summary": "已重新发货", "root_cause": "包裹在中转站丢失"}))
	surveyMail := awaitMail(t, mails, "请评价我们的服务")
	link := surveyLink.FindString(surveyMail.Body)
	if !strings.HasPrefix(link, s.url+"/v1/surveys/") {
		t.Fatalf("survey mail without a link: %s", surveyMail.Body)
	}
	req, _ := http.NewRequest("GET", link, nil)
	req.Header.Set("Accept", "text/html")
	page, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	for _, want := range []string{`<html lang="zh-CN">`, "投诉 " + id + " 满意度调查", "整体满意度", "响应速度", "问题的解决情况",
		"服务态度", `name="response_speed" value="5"`, `name="service_attitude" value="1"`, "提交"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("survey page lacks %q:\n%s", want, html)
		}
	}
	answer := s.must(200, s.do("POST", strings.TrimPrefix(link, s.url), "", map[string]any{
		"solved": true, "csat": 5, "response_speed": 4, "problem_solved": 5, "service_attitude": 3, "comment": "快递慢了点",
	}))
	if !strings.Contains(answer.raw, "谢谢") {
		t.Errorf("answer: %s", answer.raw)
	}
	s.must(400, s.do("POST", strings.TrimPrefix(link, s.url), "", map[string]any{"solved": true, "csat": 5, "response_speed": 6}))
	eventually(t, 30*time.Second, "the complaint closed", func() bool { return s.count(id, "closed") == 1 })

	survey := s.metricsSince(start)["survey"].(map[string]any)
	for dim, want := range map[string]float64{"overall_satisfaction": 5, "response_speed": 4, "problem_solved": 5, "service_attitude": 3} {
		got := survey[dim].(map[string]any)
		if got["answers"] != 1.0 || got["mean"] != want {
			t.Errorf("metrics survey.%s = %v, want 1 answer, mean %v", dim, got, want)
		}
	}
	row2 := s.surveyRow(id, 0)
	if fmt.Sprint(*row2.ResponseSpeed, *row2.ProblemSolved, *row2.ServiceAttitude) != "4 5 3" {
		t.Errorf("survey row: %+v", row2)
	}
	s.checkHistory(workflows.ComplaintWorkflowID(id), "notices_progress_zh_survey")
}

// An approved extension tells the customer the new resolution time (001: give a
// concrete time commitment), in their language.
func TestApprovedExtensionTellsTheCustomerTheNewTime(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	s := newStack(t, notify.SMTP{Addr: mails.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone})
	s.directory("http://127.0.0.1:9")
	ctx := context.Background()
	filed := s.file(adminToken, "ext-1", apiclient.Medium, apiclient.Medium)
	ann := s.api(s.personToken("agent", "ann"))
	requested, err := ann.RequestEscalationWithResponse(ctx, filed.Id, nil, apiclient.ReasonRequest{Reason: "the carrier needs time"})
	s.want(201, requested, err)
	by := "2h"
	decided, err := s.api(s.personToken("manager", "max")).DecideEscalationWithResponse(ctx, filed.Id, 1, nil,
		apiclient.DecisionRequest{Decision: apiclient.DecisionRequestDecisionExtend, ExtendBy: &by, Reason: ptr("the depot is closed")})
	s.want(200, decided, err)

	mail := awaitMail(t, mails, "Your complaint needs more time")
	c, _ := s.store.Complaint(ctx, filed.Id.String())
	due := c.ResolutionDueAt.In(customerMessages.Zone).Format("2 January 2006, 15:04")
	if !strings.Contains(mail.Body, "(the depot is closed)") || !strings.Contains(mail.Body, "by "+due+" (Asia/Shanghai)") {
		t.Errorf("extension mail, want the new time %s: %s", due, mail.Body)
	}
	s.checkHistory(filed.WorkflowId, "notices_extension_told_customer")
}
