package console

import (
	"slices"
	"testing"
)

// The complaint page draws each action's form from actionForms and act sends the
// fields actions names: they are the same forms with the same fields, so what is
// typed is what is sent.
func TestActionFormsDrawWhatActionsSend(t *testing.T) {
	drawn := map[string]bool{}
	for _, f := range actionForms {
		drawn[f.Action] = true
		a, ok := actions[f.Action]
		if !ok {
			t.Errorf("form %s sends no action", f.Action)
			continue
		}
		var names []string
		for _, fl := range f.Fields {
			names = append(names, fl.Name)
		}
		if !slices.Equal(names, a.fields) {
			t.Errorf("form %s draws %v, its action sends %v", f.Action, names, a.fields)
		}
	}
	for name := range actions {
		if !drawn[name] {
			t.Errorf("action %s has no form", name)
		}
	}
}
