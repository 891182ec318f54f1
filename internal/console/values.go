package console

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// How the console shows the API's values in the viewer's language: an enum value
// (a status, a channel) by its name, a KPI by its name and unit, a duration as a
// person writes it. The API's own spelling stays in option values, data- and id
// attributes, so forms and scripts still speak the API's words.

// plain is v as the text the template would print: a pointer's value, "" for nil.
func plain(v any) string {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return ""
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return ""
	}
	return fmt.Sprint(rv.Interface())
}

// levelFields are the fields whose values are the API's Level: an urgency and a
// customer tier are named alike.
var levelFields = map[string]bool{"urgency": true, "tier": true}

// enumName is the value of one of the API's enums (field: status, urgency, tier,
// category, channel, source, scope; riskstatus, condition; stage, plan;
// notification, via (a notice's channel), event; recovery, compensation, survey,
// escalation; review, backlog, cycleevent, outcome; role, token) in lang,
// "enum.<field>.<value>" in the catalog;
// a value the catalog does not know yet (one the API added) shows as the API
// spells it, and so does a field that has no names (an owner, a keyword).
func enumName(lang, field string, v any) string {
	if levelFields[field] {
		field = "level"
	}
	s := plain(v)
	if _, ok := messages["enum."+field+"."+s]; !ok {
		return s
	}
	return translate(lang, "enum."+field+"."+s)
}

// kpiName is a KPI or PDCA metric (quality.KPIs, quality.Metrics) by its name and
// unit in lang, "kpi.name.<key>" in the catalog; an unknown key shows as it is.
func kpiName(lang string, key any) string { return enumName(lang, "kpi", key) }

// kpiUnit is the message id of the unit a KPI's values are in, by the suffix its
// key carries ("" for none, as for NPS or a count).
func kpiUnit(key string) string {
	for suffix, unit := range map[string]string{"_pct": "unit.pct", "_minutes": "unit.min", "_seconds": "unit.s"} {
		if strings.HasSuffix(key, suffix) {
			return unit
		}
	}
	return ""
}

// kpiValue is a KPI's value (a float64, or a *float64 where nil is none) with its
// unit in lang: "60 %", "30 分钟".
func kpiValue(lang string, key any, v any) string {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case *float64:
		if x == nil {
			return "—"
		}
		f = *x
	default:
		return plain(v)
	}
	if unit := kpiUnit(plain(key)); unit != "" {
		return trimFloat(f) + " " + translate(lang, unit)
	}
	return trimFloat(f)
}

// riskUnits are the units of a risk alert's observed, baseline and threshold
// figures by its condition (quality's checks): a share in %, complaints a day, KPI
// targets (missed, judged), knowledge articles (overdue, live). A manual alert has
// no figures to give a unit.
var riskUnits = map[string]string{
	"csat_drop": "unit.pct", "sla_compliance": "unit.pct", "slow_response": "unit.pct", "staff_turnover": "unit.pct",
	"training_gap": "unit.pct", "volume_spike": "unit.perday", "kpi_target": "unit.targets", "stale_knowledge": "unit.articles",
}

// riskValue is a figure of a risk alert of condition in lang with its unit:
// "55 %", "120 件/天".
func riskValue(lang string, condition any, v float64) string {
	if unit := riskUnits[plain(condition)]; unit != "" {
		return trimFloat(v) + " " + translate(lang, unit)
	}
	return trimFloat(v)
}

// spelled is d in hours, minutes and seconds with the units given, a unit that is
// zero left out ("1h30m", not "1h30m0s"); zero is "0" and the seconds' unit.
func spelled(d time.Duration, h, m, s string) string {
	if d == 0 {
		return "0" + s
	}
	var b strings.Builder
	if d < 0 {
		b.WriteString("-")
		d = -d
	}
	for _, u := range []struct {
		size time.Duration
		name string
	}{{time.Hour, h}, {time.Minute, m}, {time.Second, s}} {
		if n := d / u.size; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.size
		}
	}
	return b.String()
}

// compactDuration is a Go duration as a form shows it for editing: "24h", "1h30m",
// which time.ParseDuration (the API's reading) reads back to the same length. What
// does not parse, or has parts below a second, is left as it is.
func compactDuration(v string) string {
	d, err := time.ParseDuration(v)
	if err != nil || d%time.Second != 0 {
		return v
	}
	return spelled(d, "h", "m", "s")
}

// durationIn is a Go duration (a string, or a *string where nil is none) in lang:
// "2h", "1h30m"; "2小时", "1小时30分钟". What does not parse is shown as it is.
func durationIn(lang string, v any) string {
	s := plain(v)
	d, err := time.ParseDuration(s)
	if err != nil || d%time.Second != 0 {
		return s
	}
	return spelled(d, translate(lang, "unit.h"), translate(lang, "unit.m"), translate(lang, "unit.s"))
}
