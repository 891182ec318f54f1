package console

import (
	"fmt"
	"strconv"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// What was decided and said: an escalation's decision (GET .../escalations answers
// it as recorded) and an event's data (the timeline's), each as a few labelled
// parts in the viewer's language — the rejection's reason, the extension and the
// resolution's new due time, the message the customer was sent — rather than a
// kind and a name alone.

// detail is one labelled part: text, or a time shown in the viewer's zone.
type detail struct {
	Label string
	Text  string
	At    *time.Time
}

// decidedDetails is what escalation e's decision says, with the resolution's new
// due time from the decision's event among events when the decision moved it (an
// extension, a raised urgency); nil while it waits.
func decidedDetails(lang string, e apiclient.Escalation, events []apiclient.ComplaintEvent) []detail {
	if e.Decision == nil {
		return nil
	}
	var data map[string]any
	for _, ev := range events {
		esc, _ := dataOf(ev)["escalation"].(map[string]any)
		if ev.Kind == "escalation_decided" && esc != nil && num(esc["seq"]) == float64(e.Seq) {
			data = dataOf(ev)
		}
	}
	return decisionParts(lang, *e.Decision, data)
}

// decisionParts is a recorded decision (complaint.Decision's JSON) as parts; data
// is its event's, for the new due time (nil: not known here).
func decisionParts(lang string, d map[string]any, data map[string]any) []detail {
	var out []detail
	add := func(label, text string) {
		if text != "" {
			out = append(out, detail{Label: translate(lang, label), Text: text})
		}
	}
	kind := str(d["decision"])
	add("ev.decision", said(lang, "esc.d."+kind, kind))
	add("c.reason", str(d["reason"]))
	if u := str(d["urgency"]); u != "" {
		add("ev.urgency", said(lang, "esc.lvl."+u, u))
	}
	add("ev.owner", str(d["owner"]))
	if s := num(d["extension_seconds"]); s > 0 {
		add("ev.extendedby", spanOf(lang, int64(s)))
	}
	if comp, ok := d["compensation"].(map[string]any); ok {
		k := str(comp["kind"])
		add("ev.compensation", compText(said(lang, "esc.kind."+k, k), comp))
	}
	if kind == "extend" || str(d["urgency"]) != "" {
		if due := timeOf(data["resolution_due_at"]); due != nil {
			out = append(out, detail{Label: translate(lang, "ev.due"), At: due})
		}
	}
	return out
}

// eventDetails is what an event recorded beyond its kind and actor; comps, when
// the page has them, are the complaint's compensations, which say an automatic
// escalation's reason in lang (escalationReason).
func eventDetails(lang string, ev apiclient.ComplaintEvent, comps ...[]apiclient.Compensation) []detail {
	data := dataOf(ev)
	if esc, ok := data["escalation"].(map[string]any); ok && ev.Kind == "escalation_decided" {
		if d, ok := esc["decision"].(map[string]any); ok {
			return decisionParts(lang, d, data)
		}
	}
	var out []detail
	add := func(label, text string) {
		if text != "" {
			out = append(out, detail{Label: translate(lang, label), Text: text})
		}
	}
	add("ev.message", str(data["message"]))
	add("c.summary", str(data["summary"]))
	add("c.rootcause", str(data["root_cause"]))
	reason := str(data["reason"])
	if esc, ok := data["escalation"].(map[string]any); ok && ev.Kind == "escalation_requested" && len(comps) > 0 {
		reason = escalationReason(lang, int(num(esc["seq"])), esc["automatic"] == true, reason, comps[0])
	}
	add("c.reason", reason)
	if prev := str(data["previous_owner"]); prev != "" {
		add("ev.owner", prev+" → "+str(data["owner"]))
	}
	if u := str(data["urgency"]); u != "" {
		add("ev.urgency", said(lang, "esc.lvl."+u, u))
	}
	if comp, ok := data["compensation"].(map[string]any); ok {
		k := str(comp["kind"]) // a front-line recovery: compensation or refund
		add("ev.compensation", compText(said(lang, "comp."+map[string]string{"compensation": "comp", "refund": "refund"}[k], k), comp))
	}
	if s := num(data["paused_seconds"]); s > 0 && ev.Kind == "resumed" {
		add("ev.pausedfor", spanOf(lang, int64(s)))
	}
	if c := str(data["clock"]); c != "" {
		add("c.clock", said(lang, map[string]string{"first_response": "clock.first", "resolution": "clock.resolution"}[c], c))
	}
	add("n.to", str(data["recipient"]))
	if s, ok := data["survey"].(map[string]any); ok && s["csat"] != nil {
		add("ev.csat", fmt.Sprintf("%v/5", s["csat"]))
	}
	if ev.Kind == "resumed" || ev.Kind == "reopened" {
		if due := timeOf(data["resolution_due_at"]); due != nil {
			out = append(out, detail{Label: translate(lang, "ev.due"), At: due})
		}
	}
	if by := timeOf(data["expected_by"]); by != nil && ev.Kind == "progress_sent" {
		out = append(out, detail{Label: translate(lang, "ev.expected"), At: by})
	}
	return out
}

// compText is a compensation as "300 CNY, coupon — note".
func compText(kind string, comp map[string]any) string {
	text := strconv.FormatFloat(num(comp["amount"]), 'f', -1, 64)
	if cur := str(comp["currency"]); cur != "" {
		text += " " + cur
	}
	text += ", " + kind
	if note := str(comp["note"]); note != "" {
		text += " — " + note
	}
	return text
}

// said is message id in lang when the catalog has it, else raw as recorded.
func said(lang, id, raw string) string {
	if _, ok := messages[id]; ok {
		return translate(lang, id)
	}
	return raw
}

// spanOf is a length as the countdown's units say it: "2h 0m", "2小时 0分"; under
// a minute in seconds ("17s", "17秒"), which "0h 0m" would hide.
func spanOf(lang string, secs int64) string {
	if secs < 60 {
		return fmt.Sprintf("%d%s", secs, translate(lang, "cd.s"))
	}
	d := time.Duration(secs) * time.Second
	return fmt.Sprintf("%d%s %d%s", int64(d.Hours()), translate(lang, "cd.h"), int64(d.Minutes())%60, translate(lang, "cd.m"))
}

func dataOf(ev apiclient.ComplaintEvent) map[string]any {
	d, _ := ev.Data.(map[string]any)
	return d
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func timeOf(v any) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, str(v))
	if err != nil {
		return nil
	}
	return &t
}
