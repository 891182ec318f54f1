package console

import (
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	domain "github.com/complaintflow/complaintflow/internal/complaint"
)

// Why a policy was chosen reads in the viewer's language, rebuilt from the
// policy's source, urgency and tier; the recorded text is complaint.PickPolicy's
// own, so a change of its wording shows that wording rather than a stale one.
func TestThePolicyReasonReadsInTheViewersLanguage(t *testing.T) {
	policy := func(source string, want domain.PolicyKey, p domain.PolicyKey) complaint {
		_, reason := domain.PickPolicy(want, []domain.PolicyKey{p})
		c := complaint{Complaint: apiclient.Complaint{Source: apiclient.ComplaintSource(source)}}
		c.Sla.Policy = &struct {
			Id      string                `json:"id"`
			Reason  string                `json:"reason"`
			Source  string                `json:"source"`
			Tier    apiclient.PolicyLevel `json:"tier"`
			Urgency apiclient.PolicyLevel `json:"urgency"`
		}{Id: p.ID(), Reason: reason, Source: p.Source, Tier: apiclient.PolicyLevel(p.Tier), Urgency: apiclient.PolicyLevel(p.Urgency)}
		return c
	}
	matrix := policy("direct", domain.PolicyKey{Source: "direct", Urgency: "medium", Tier: "medium"}, domain.PolicyKey{Source: domain.Any, Urgency: "medium", Tier: "medium"})
	own := policy("social_mention", domain.PolicyKey{Source: "social_mention", Urgency: "high", Tier: "low"}, domain.PolicyKey{Source: "social_mention", Urgency: "high", Tier: domain.Any})
	anyLevel := policy("feedback", domain.PolicyKey{Source: "feedback", Urgency: "high", Tier: "low"}, domain.PolicyKey{Source: "feedback", Urgency: domain.Any, Tier: domain.Any})
	other := policy("direct", domain.PolicyKey{}, domain.PolicyKey{Source: domain.Any, Urgency: "medium", Tier: "medium"})
	other.Sla.Policy.Reason = "chosen by an older rule"
	for _, tc := range []struct {
		name string
		c    complaint
		lang string
		want string
	}{
		{"matrix", matrix, langEN, "no policy for source direct: the urgency medium × tier medium cell of the SLA matrix"},
		{"matrix", matrix, langZH, "来源“直接提交”没有专属策略：采用 SLA 矩阵中紧急程度 中 × 客户等级 中 的单元格"},
		{"own", own, langZH, "来源“社交媒体提及”有专属策略（紧急程度 高），优先于紧急程度 × 客户等级矩阵"},
		{"any", anyLevel, langZH, "来源“反馈”有专属策略（任意紧急程度与客户等级），优先于紧急程度 × 客户等级矩阵"},
		{"another wording", other, langZH, "chosen by an older rule"},
	} {
		if got := tc.c.PolicyReason(tc.lang); got != tc.want {
			t.Errorf("%s in %s: %q, want %q", tc.name, tc.lang, got, tc.want)
		}
	}
	body := html.UnescapeString(drawn(t, everyPage(t), langZH, "complaint", http.StatusOK,
		map[string]any{"C": matrix, "Record": record{}, "Events": []apiclient.ComplaintEvent{}}))
	if want := "): 来源“直接提交”没有专属策略"; !strings.Contains(body, want) {
		i := strings.Index(body, `id="sla-policy"`)
		t.Errorf("the complaint page's policy line reads %.200s, want %q", body[max(i, 0):], want)
	}
}

// The reason of an escalation a compensation request opened reads in the viewer's
// language — on the complaint page's escalations and timeline and in the inbox —
// rebuilt from the compensation it asks approval of; the requester's note follows
// as typed, and a manager's own reason stays as written.
func TestACompensationRequestsReasonReadsInTheViewersLanguage(t *testing.T) {
	const asks = "compensation 2: compensation of 300 CNY asks for approval (the requester's limit: 200 CNY)" // workflows/frontline.go
	const zh = "补偿 2：补偿 300 CNY 超出申请人权限，待审批（申请人权限额度：200 CNY）"
	f := overLimit()
	f.answers["/v1/escalations"] = items(escalationJSON(2, asks+": 全额退款", map[string]any{"automatic": true}))
	f.answers["/v1/complaints/"+shiftComplaint+"/escalations"] = items(
		escalationJSON(1, "customer is a journalist", nil), escalationJSON(2, asks+": 全额退款", map[string]any{"automatic": true}))
	f.answers["/v1/complaints/"+shiftComplaint+"/events"] = items(
		map[string]any{"id": 1, "kind": "escalation_requested", "actor": "ann", "occurred_at": ago(time.Hour),
			"data": map[string]any{"reason": asks + ": 全额退款", "escalation": map[string]any{"seq": 2, "automatic": true}}})
	c := f.console(t)
	page := func(h http.HandlerFunc, target, lang string) string {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.SetPathValue("id", shiftComplaint)
		r.Header.Set("Accept-Language", lang)
		w := httptest.NewRecorder()
		h(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: HTTP %d: %.300s", target, w.Code, w.Body)
		}
		return html.UnescapeString(w.Body.String())
	}
	body := page(c.complaint, "/console/complaints/"+shiftComplaint, langZH)
	list, timeline := body[strings.Index(body, `<ul id="escalations">`):strings.Index(body, `id="timeline"`)], body[strings.Index(body, `id="timeline"`):]
	if !strings.Contains(list, zh+": 全额退款") || !strings.Contains(list, "customer is a journalist") {
		t.Errorf("the complaint page's escalations: %.600s", list)
	}
	if !strings.Contains(timeline, zh+": 全额退款") {
		t.Errorf("the timeline: %.600s", timeline)
	}
	if en := page(c.complaint, "/console/complaints/"+shiftComplaint, langEN); !strings.Contains(en, asks+": 全额退款") {
		t.Error("the English page does not show the reason as recorded")
	}
	if inbox := page(c.escalations, "/console/escalations", langZH); !strings.Contains(inbox, "<dd>"+zh+": 全额退款</dd>") || strings.Contains(inbox, "asks for approval") {
		t.Error("the Chinese inbox does not say the request's reason in Chinese")
	}
}
