// Package message defines what the service tells a customer: one template per
// customer-facing text (Key), the variables each may use, and the texts seeded for
// every supported locale. Templates are Go text/template; an admin may replace any
// of them through the API (the store keeps the replacement), and Check is the rule
// that refuses a template which does not parse or uses a variable its key does not
// offer. Workflows name a Key and pass its variables; the notify activity renders
// the text when it delivers, so a template changed meanwhile needs no workflow
// version. The package does no I/O.
package message

import (
	"fmt"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// Locale is a customer's language, as a BCP 47 tag.
type Locale string

// Supported locales; DefaultLocale is the one a complaint filed without a locale
// gets unless configured otherwise (CUSTOMER_LOCALE).
const (
	ZhCN          Locale = "zh-CN"
	En            Locale = "en"
	DefaultLocale        = ZhCN
)

// Locales lists every supported locale.
var Locales = []Locale{ZhCN, En}

// ParseLocale returns the supported locale tag names, matching case-insensitively
// and on the language alone ("zh" and "zh-cn" are zh-CN, "en-GB" is en).
func ParseLocale(tag string) (Locale, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	for _, l := range Locales {
		if tag == strings.ToLower(string(l)) {
			return l, true
		}
	}
	lang, _, _ := strings.Cut(tag, "-")
	for _, l := range Locales {
		if base, _, _ := strings.Cut(strings.ToLower(string(l)), "-"); lang != "" && lang == base {
			return l, true
		}
	}
	return "", false
}

// Key names a customer-facing text.
type Key string

// The customer-facing texts (001: keep the customer informed, in their language).
const (
	Acknowledgement      Key = "acknowledgement"
	Progress             Key = "progress"
	Extension            Key = "extension"
	Paused               Key = "paused"
	Resumed              Key = "resumed"
	Resolution           Key = "resolution"
	Survey               Key = "survey"
	SurveyReminder       Key = "survey_reminder"
	SurveyPage           Key = "survey_page"
	Reopened             Key = "reopened"
	ReopenedDissatisfied Key = "reopened_dissatisfied"
	ClosedVerified       Key = "closed_verified"
	ClosedUnverified     Key = "closed_unverified"
	// ClosedByStaff tells the customer that staff closed the complaint after its
	// resolution, before the customer answered the survey (002 §9.3: the result is
	// fed back to the customer); the survey link stops working.
	ClosedByStaff Key = "closed_by_staff"
	Compensation  Key = "compensation"
	// SuggestionDone tells a customer that the improvement their feedback proposed
	// is done (002 §3.4: the loop closes for suggestions too).
	SuggestionDone Key = "suggestion_done"
	// ProgressOverdue is the progress update once the resolution deadline has passed:
	// it says we are late, why and when we now expect to resolve, never the missed
	// time (002 §9.3: 对未解决的问题说明原因及预计解决时间).
	ProgressOverdue Key = "progress_overdue"
	// ResolutionOverdue tells the customer, once, that the resolution deadline passed
	// unresolved: an apology, and that the agent will say why and when.
	ResolutionOverdue Key = "resolution_overdue"
)

// VarKind is how a variable's value is shown.
type VarKind string

// Variable kinds: text is shown as given; a time is passed as RFC 3339 and shown in
// the customer's locale and the customers' time zone.
const (
	KindText VarKind = "text"
	KindTime VarKind = "time"
)

// Var is a variable a template may use as {{.name}}.
type Var struct {
	Name        string
	Kind        VarKind
	Description string
	// Words name, per locale, the values of the variable Of, which carries one of
	// the API's values (a compensation's kind, its status): this variable is the
	// customer's word for it (kind_name: 优惠券, a coupon). Of keeps the raw value, so
	// templates that print or compare it keep working. A value without a word is
	// shown as given.
	Words map[string]map[Locale]string
	Of    string
}

// Text is a template's (or a rendered message's) subject and body.
type Text struct {
	Subject string
	Body    string
}

// Definition is one customer-facing text: its variables and seeded texts.
type Definition struct {
	Key         Key
	Description string
	Vars        []Var
	Seeds       map[Locale]Text
}

// Definitions lists every customer-facing text, in a stable order.
func Definitions() []Definition { return definitions }

// Lookup returns the definition of key.
func Lookup(key Key) (Definition, bool) {
	i := slices.IndexFunc(definitions, func(d Definition) bool { return d.Key == key })
	if i < 0 {
		return Definition{}, false
	}
	return definitions[i], true
}

// VarNames lists the names of d's variables.
func (d Definition) VarNames() []string {
	names := make([]string, len(d.Vars))
	for i, v := range d.Vars {
		names[i] = v.Name
	}
	return names
}

// FieldError is why Check refused one field (subject or body) of a template.
type FieldError struct {
	Field string // "subject" or "body"
	// Variable is the unknown variable, empty when the template does not parse.
	Variable string
	Reason   string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Reason }

// Check refuses a template for key that does not parse, or uses a variable key does
// not offer, naming it; it returns every problem, subject's first.
func Check(key Key, t Text) []FieldError {
	d, ok := Lookup(key)
	if !ok {
		return []FieldError{{Field: "key", Reason: fmt.Sprintf("%q is not a customer text", key)}}
	}
	var errs []FieldError
	for _, f := range []struct{ name, src string }{{"subject", t.Subject}, {"body", t.Body}} {
		tmpl, err := parseText(f.name, f.src)
		if err != nil {
			errs = append(errs, FieldError{Field: f.name, Reason: "does not parse: " + err.Error()})
			continue
		}
		seen := map[string]bool{}
		for _, name := range fieldsOf(tmpl.Tree.Root) {
			if seen[name] || slices.Contains(d.VarNames(), name) {
				continue
			}
			seen[name] = true
			errs = append(errs, FieldError{Field: f.name, Variable: name, Reason: fmt.Sprintf(
				"uses unknown variable %q; %s may use %s", name, key, strings.Join(d.VarNames(), ", "))})
		}
	}
	return errs
}

// Render fills template t of key with vars for a customer in locale, showing times
// in zone. A variable not passed renders empty.
func Render(key Key, locale Locale, t Text, vars map[string]string, zone *time.Location) (Text, error) {
	d, ok := Lookup(key)
	if !ok {
		return Text{}, fmt.Errorf("render: %q is not a customer text", key)
	}
	data := make(map[string]string, len(d.Vars))
	for _, v := range d.Vars {
		value := vars[v.Name]
		if v.Of != "" {
			value = vars[v.Of]
			if word, ok := v.Words[value][locale]; ok {
				value = word
			}
		}
		if v.Kind == KindTime && value != "" {
			value = FormatTime(value, locale, zone)
		}
		data[v.Name] = value
	}
	var out Text
	for _, f := range []struct {
		name, src string
		dst       *string
	}{{"subject", t.Subject, &out.Subject}, {"body", t.Body, &out.Body}} {
		tmpl, err := parseText(f.name, f.src)
		if err != nil {
			return Text{}, fmt.Errorf("render %s %s: %w", key, f.name, err)
		}
		var b strings.Builder
		if err := tmpl.Execute(&b, data); err != nil {
			return Text{}, fmt.Errorf("render %s %s: %w", key, f.name, err)
		}
		*f.dst = b.String()
	}
	return out, nil
}

// Seed is the seeded text of key in locale, falling back to DefaultLocale.
func Seed(key Key, locale Locale) (Text, bool) {
	d, ok := Lookup(key)
	if !ok {
		return Text{}, false
	}
	if t, ok := d.Seeds[locale]; ok {
		return t, true
	}
	t, ok := d.Seeds[DefaultLocale]
	return t, ok
}

// FormatTime shows an RFC 3339 time the way a customer in locale reads it, in zone;
// a value that is no such time is shown as given.
func FormatTime(rfc3339 string, locale Locale, zone *time.Location) string {
	at, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return rfc3339
	}
	if zone == nil {
		zone = time.UTC
	}
	at = at.In(zone)
	if locale == ZhCN {
		return at.Format("2006年1月2日 15:04") + "（" + zone.String() + "）"
	}
	return at.Format("2 January 2006, 15:04") + " (" + zone.String() + ")"
}

// Time is how a workflow passes a time variable.
func Time(at time.Time) string { return at.UTC().Format(time.RFC3339) }

func parseText(name, src string) (*template.Template, error) {
	return template.New(name).Option("missingkey=zero").Parse(src)
}

// fieldsOf lists the first identifier of every field ({{.name}}) node under n.
func fieldsOf(n parse.Node) []string {
	var out []string
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case nil:
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			out = append(out, n.Ident[0])
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.IfNode:
			walkBranch(walk, &n.BranchNode)
		case *parse.RangeNode:
			walkBranch(walk, &n.BranchNode)
		case *parse.WithNode:
			walkBranch(walk, &n.BranchNode)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	walk(n)
	return out
}

func walkBranch(walk func(parse.Node), b *parse.BranchNode) {
	walk(b.Pipe)
	walk(b.List)
	if b.ElseList != nil {
		walk(b.ElseList)
	}
}

// Template is an admin's version of a customer text in one locale, as the store
// keeps it.
type Template struct {
	Key       Key       `db:"key"`
	Locale    Locale    `db:"locale"`
	Subject   string    `db:"subject"`
	Body      string    `db:"body"`
	UpdatedBy string    `db:"updated_by"`
	UpdatedAt time.Time `db:"updated_at"`
}

// Text is the template's subject and body.
func (t Template) Text() Text { return Text{Subject: t.Subject, Body: t.Body} }

// ImprovementDone is the resolution summary of a low-urgency complaint whose
// improvement item (titled title) was done in the product: the customer reads it in
// the resolution notice before the survey asks whether it is solved.
func ImprovementDone(locale Locale, title string) string {
	if locale == En {
		return "What you raised has been done in the product: " + title + ". Thank you for helping us improve."
	}
	return "您反馈的「" + title + "」已纳入产品迭代并完成改进。感谢您帮助我们做得更好。"
}
