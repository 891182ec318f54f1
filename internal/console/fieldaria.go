package console

import (
	"html/template"
	"sort"
	"strings"
)

// A form the API refused shows each named field's message next to the field; the
// field's control says so too, for a screen reader that lands on it: it is
// aria-invalid and described by the message (WCAG 3.3.1). The templates put
// {{fieldaria …}} or {{formaria …}} in the tag of every control that has a message
// beside it; the admin pages' shared textfield does it itself.

// fieldaria is the attributes of a form control: aria-invalid="true" and
// aria-describedby naming errID when msg — the message shown beside it: a string,
// the messages of errorsOf, or false when the refusal is another form's — is not
// empty; and aria-describedby naming also (a hint; empty ones are left out)
// whether refused or not, so a control's hint and its message are read together.
func fieldaria(msg any, errID string, also ...any) template.HTMLAttr {
	var ids []string
	for _, a := range also {
		if s, ok := a.(string); ok && s != "" {
			ids = append(ids, s)
		}
	}
	refused := false
	switch m := msg.(type) {
	case string:
		refused = m != ""
	case []string:
		refused = len(m) > 0
	}
	var b strings.Builder
	if refused {
		b.WriteString(` aria-invalid="true"`)
		ids = append(ids, errID)
	}
	if len(ids) > 0 {
		b.WriteString(` aria-describedby="` + template.HTMLEscapeString(strings.Join(ids, " ")) + `"`)
	}
	return template.HTMLAttr(b.String())
}

// formaria is fieldaria for a page of several forms, where a refusal belongs to the
// form that was sent: the control of field in the form mine, when the refused form
// is form, described by the message beside it, whose id is id+"-error" (the
// quality pages' "qerr", the complaint page's "fielderr").
func formaria(form, mine any, r *refusal, field, id string) template.HTMLAttr {
	if form != mine {
		return ""
	}
	return fieldaria(fieldOf(r, field), id+"-error")
}

// fieldOf is the API's message for the form field name, if it named it.
func fieldOf(r *refusal, name string) string {
	if r == nil {
		return ""
	}
	return r.Fields[name]
}

// errorsOf collects the API's messages for a form field and its parts: the
// "warning_percents" input shows "warning_percents[1]" too.
func errorsOf(r *refusal, name string) []string {
	if r == nil {
		return nil
	}
	var out []string
	for f, m := range r.Fields {
		if f == name || strings.HasPrefix(f, name+"[") || strings.HasPrefix(f, name+".") {
			if f != name {
				m = f + ": " + m
			}
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}
