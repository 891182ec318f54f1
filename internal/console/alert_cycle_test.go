package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// A risk alert links to the PDCA cycles opened for it and offers to open one for
// it, and the cycle page names the alert it was opened for: the quality lead goes
// from the alert to the cycle carrying out its solution and back (002 §9.1
// 《风险处置台账》, §9.2).
func TestAnAlertAndTheCycleOpenedForItLinkEachOther(t *testing.T) {
	const alone = "00000000-0000-0000-0000-0000000000a2"
	f := &fakeAPI{answers: map[string]any{
		"/v1/metrics":     map[string]any{"from": ago(30 * 24 * time.Hour), "to": ago(0), "group_by": nil, "groups": []any{}, "kpi_targets": []any{}},
		"/v1/risk-alerts": items(riskAlertJSON(testID, map[string]any{"cycle_ids": []string{openedCycle}}), riskAlertJSON(alone, nil)),
		"/v1/risk-ledger": items(map[string]any{"id": alone, "condition": "manual", "subject": "", "grade": "yellow",
			"opened_at": ago(48 * time.Hour), "observed": 0, "baseline": 0, "threshold": 0, "escalation_level": 0, "response": nil,
			"responded_at": nil, "responded_by": nil, "root_cause": "strike", "solution": "second courier", "executor": "lee",
			"action_deadline": ago(-time.Hour), "verification": "see the cycle", "closed_at": ago(time.Hour), "closed_by": "lee",
			"cycle_ids": []string{openedCycle}}),
		"/v1/pdca-cycles/" + openedCycle + "/events": items(),
	}}
	cy := cycleJSON("plan", "draft")
	cy["id"], cy["risk_alert_id"] = openedCycle, testID
	f.answers["/v1/pdca-cycles/"+openedCycle] = cy
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	for lang, text := range map[string][]string{
		"en":    {"PDCA cycles", ">cycle 00000000</a>", "none opened for this alert", "Open a PDCA cycle for this alert", "Opened for", ">risk alert " + testID + "</a>"},
		"zh-CN": {"PDCA 循环", ">循环 00000000</a>", "尚未为此预警发起", "为此预警发起 PDCA 循环", "发起自", ">风险预警 " + testID + "</a>"},
	} {
		risk := asQuality(t, c.risk, "/console/risk", "", lang)
		article := func(id string) string {
			i := strings.Index(risk, `id="alert-`+id+`"`)
			if i < 0 {
				t.Fatalf("%s: no alert %s", lang, id)
			}
			return risk[i : i+strings.Index(risk[i:], "</article>")]
		}
		linked, none := article(testID), article(alone)
		for _, want := range []string{`<a href="/console/pdca/` + openedCycle + `"` + text[1], text[0],
			`href="/console/pdca?risk_alert_id=` + testID + `#open-cycle">` + text[3]} {
			if !strings.Contains(linked, want) {
				t.Errorf("%s: the alert lacks %q: %s", lang, want, snippet(linked, "alert-cycles"))
			}
		}
		// The ledger, the alerts closed, names the cycles that carried out each solution.
		if want := `<td class="ledger-cycles"><a href="/console/pdca/` + openedCycle + `"` + text[1]; !strings.Contains(risk, want) {
			t.Errorf("%s: the ledger lacks %q: %s", lang, want, snippet(risk, "ledger-cycles"))
		}
		if !strings.Contains(none, text[2]) || strings.Contains(none, `href="/console/pdca/`) {
			t.Errorf("%s: the alert with no cycle: %s", lang, snippet(none, "alert-cycles"))
		}
		page := asQuality(t, c.cycle, "/console/pdca/"+openedCycle, openedCycle, lang)
		if want := `<dt>` + text[4] + `</dt><dd id="cycle-alert"><a href="/console/risk/` + testID + `"` + text[5]; !strings.Contains(page, want) {
			t.Errorf("%s: the cycle page lacks %q: %s", lang, want, snippet(page, "cycle-alert"))
		}
	}
}

// The alert's link unfolds the board's open form for that alert, and the cycle is
// opened through the API for it; the board reached otherwise opens a cycle for none.
func TestTheBoardOpensACycleForTheAlertItCameFrom(t *testing.T) {
	var sent []sentWrite
	c := openingConsole(t, &sent)
	_, body := getAs(t, c.pdcaBoard, auth.RoleQuality, "/console/pdca?risk_alert_id="+testID)
	for _, want := range []string{`id="open-cycle" open`, `<input type="hidden" name="risk_alert_id" value="` + testID + `">`,
		`<a href="/console/risk/` + testID + `">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the board from an alert lacks %q: %s", want, snippet(body, "open-for-alert"))
		}
	}
	for _, path := range []string{"/console/pdca", "/console/pdca?risk_alert_id=not-an-id"} {
		if _, body := getAs(t, c.pdcaBoard, auth.RoleQuality, path); strings.Contains(body, `name="risk_alert_id"`) {
			t.Errorf("%s: the open form names an alert: %s", path, snippet(body, "open-for-alert"))
		}
	}
	postOpen(c, auth.RoleQuality, url.Values{"idempotency_key": {"k1"}, "title": {"A second courier"}, "metric": {"nps"},
		"risk_alert_id": {testID}})
	if len(sent) != 1 || sent[0].Body["risk_alert_id"] != testID {
		t.Errorf("sent %v, want the opening for alert %s", sent, testID)
	}
}
