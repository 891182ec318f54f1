package console

import (
	"fmt"
	"strings"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	domain "github.com/complaintflow/complaintflow/internal/complaint"
)

// Texts the system writes in English — why an SLA policy was chosen
// (complaint.PickPolicy) and why a compensation request opened an escalation
// (workflows/frontline.go) — said in the viewer's language from the structured
// data the page already has: the policy's source, urgency and tier; the
// compensation's seq, kind, amount and limit. Only where that data rebuilds the
// recorded text word for word: a wording of another revision shows as recorded.

// translated is the recorded text in lang: built from the data in English, to
// check it is what was recorded, and in lang, to show it. What the recorded text
// adds after it (a requester's note, ": …") follows as typed.
func translated(lang, recorded string, build func(lang string) string) string {
	rest, ok := strings.CutPrefix(recorded, build(langEN))
	if lang == langEN || !ok {
		return recorded
	}
	return build(lang) + rest
}

// valueIn is an API value in lang; in English as the recorded text has it (raw).
func valueIn(lang, field, v string) string {
	if lang == langEN {
		return v
	}
	return enumName(lang, field, v)
}

// PolicyReason is why the complaint's SLA policy was chosen, in lang.
func (c complaint) PolicyReason(lang string) string {
	p := c.Sla.Policy
	if p == nil {
		return ""
	}
	return translated(lang, p.Reason, func(l string) string {
		source := valueIn(l, "source", string(c.Source))
		if p.Source == domain.Any {
			return fmt.Sprintf(translate(l, "why.matrix"), source, valueIn(l, "level", string(p.Urgency)), valueIn(l, "level", string(p.Tier)))
		}
		var named []string
		if u := string(p.Urgency); u != domain.Any {
			named = append(named, fmt.Sprintf(translate(l, "why.urgency"), valueIn(l, "level", u)))
		}
		if t := string(p.Tier); t != domain.Any {
			named = append(named, fmt.Sprintf(translate(l, "why.tier"), valueIn(l, "level", t)))
		}
		scope := translate(l, "why.any")
		if len(named) > 0 {
			scope = strings.Join(named, translate(l, "why.and"))
		}
		return fmt.Sprintf(translate(l, "why.own"), source, scope)
	})
}

// escalationReason is why escalation seq was asked for (reason, as recorded), in
// lang: an automatic escalation's from the compensation among comps it asks
// approval of (its escalation_seq).
func escalationReason(lang string, seq int, automatic bool, reason string, comps []apiclient.Compensation) string {
	if !automatic {
		return reason
	}
	for _, cp := range comps {
		if cp.EscalationSeq != nil && *cp.EscalationSeq == seq {
			return translated(lang, reason, func(l string) string {
				limit := translate(l, "why.nolimit")
				if cp.Limit != nil {
					limit = fmt.Sprintf("%g %s", *cp.Limit, cp.Currency)
				}
				return fmt.Sprintf(translate(l, "why.asks"), cp.Seq, valueIn(l, "recovery", string(cp.Kind)), cp.Amount, cp.Currency, limit)
			})
		}
	}
	return reason
}

// escReason is escalationReason for a template: escalation e of a complaint whose
// compensations are comps.
func escReason(lang string, e apiclient.Escalation, comps []apiclient.Compensation) string {
	return escalationReason(lang, e.Seq, e.Automatic, e.Reason, comps)
}
