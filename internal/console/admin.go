package console

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/api"
)

// adminSections are the admin area's pages in sub-navigation order: the path under
// /console/admin/ and the label.
var adminSections = [][2]string{
	{"policies", "SLA policies"}, {"directory", "Directory"}, {"routing", "Routing"},
	{"calendars", "Calendars"}, {"classification", "Classification"}, {"tokens", "Tokens"},
	{"limits", "Compensation limits"},
	{"integrations", "Integrations"},
	{"messages", "Customer messages"},
}

// adminFuncs are the admin templates' helpers, beside funcs.
var adminFuncs = template.FuncMap{
	"sections": func() [][2]string { return adminSections },
	// leafErrors is the API's messages for the fields named leaf in any part of
	// the body ("items[3].amount" for the limits form's amount).
	"leafErrors": func(r *refusal, leaf string) []string {
		if r == nil {
			return nil
		}
		var out []string
		for f, m := range r.Fields {
			if f == leaf || strings.HasSuffix(f, "."+leaf) {
				out = append(out, m)
			}
		}
		sort.Strings(out)
		return out
	},
	// unclaimed is the refusal's field messages no form field of names shows.
	"unclaimed": func(r *refusal, names ...string) []string {
		if r == nil {
			return nil
		}
		var out []string
	fields:
		for f, m := range r.Fields {
			for _, n := range names {
				if f == n || strings.HasPrefix(f, n+"[") || strings.HasPrefix(f, n+".") {
					continue fields
				}
			}
			out = append(out, f+": "+m)
		}
		sort.Strings(out)
		return out
	},
	"join": join,
}

// versionTag is the entity tag of what a form changes (its updated_at; nil: none
// yet), sent back as the API's If-Match so a save or delete over a change made
// elsewhere since the page was drawn is refused rather than overwriting it.
func versionTag(t any) string {
	switch t := t.(type) {
	case time.Time:
		return api.TimeETag(t)
	case *time.Time:
		if t != nil {
			return api.TimeETag(*t)
		}
	}
	return api.SeedETag
}

// join writes a list of the API's (strings, dates; or a pointer to one, nil for
// none) as one line.
func join(list any, sep string) string {
	v := reflect.Indirect(reflect.ValueOf(list))
	if !v.IsValid() || v.Kind() != reflect.Slice {
		return ""
	}
	parts := make([]string, v.Len())
	for i := range parts {
		parts[i] = fmt.Sprint(v.Index(i).Interface())
	}
	return strings.Join(parts, sep)
}

// registerAdmin parses the admin pages and serves them, each only to who may make
// its changes (adminOnly): some of their reads (the directory, routing, calendars,
// SLA policies) are open to other roles through the API, the pages are not.
func (c *Console) registerAdmin(mux *routeMux) {
	for _, s := range adminSections {
		page := "admin_" + s[0]
		c.pages[page] = template.Must(template.New("layout.html").Funcs(funcs).Funcs(adminFuncs).ParseFS(templateFiles,
			"templates/layout.html", "templates/rows.html", "templates/admin_nav.html", "templates/"+page+".html"))
	}
	mux.Handle("GET /console/admin/{$}", c.session(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/admin/policies", http.StatusSeeOther)
	}))
	mux.Handle("GET /console/admin/policies", c.adminOnly("policies", c.policies))
	mux.Handle("POST /console/admin/policies/{urgency}/{tier}", c.adminOnly("policies", c.putPolicy))
	mux.Handle("POST /console/admin/policies/sources", c.adminOnly("policies", c.putSourcePolicy))
	mux.Handle("POST /console/admin/policies/sources/{source}/{urgency}/{tier}/delete", c.adminOnly("policies", c.deleteSourcePolicy))
	mux.Handle("GET /console/admin/directory", c.adminOnly("directory", c.directory))
	mux.Handle("POST /console/admin/teams", c.adminOnly("directory", c.putTeam))
	mux.Handle("POST /console/admin/people", c.adminOnly("directory", c.putPerson))
	mux.Handle("POST /console/admin/people/{id}/webhook-secret", c.adminOnly("directory", c.rotateWebhookKey))
	mux.Handle("GET /console/admin/routing", c.adminOnly("routing", c.routing))
	mux.Handle("POST /console/admin/routing", c.adminOnly("routing", c.putRoute))
	mux.Handle("GET /console/admin/calendars", c.adminOnly("calendars", c.calendars))
	mux.Handle("POST /console/admin/calendars", c.adminOnly("calendars", c.putCalendar))
	mux.Handle("GET /console/admin/classification", c.adminOnly("classification", c.classification))
	mux.Handle("POST /console/admin/classification", c.adminOnly("classification", c.putRules))
	mux.Handle("GET /console/admin/tokens", c.adminOnly("tokens", c.tokens))
	mux.Handle("POST /console/admin/tokens", c.adminOnly("tokens", c.createToken))
	mux.Handle("POST /console/admin/tokens/{id}/{action}", c.adminOnly("tokens", c.tokenAction))
	mux.Handle("GET /console/admin/limits", c.adminOnly("limits", c.limits))
	mux.Handle("POST /console/admin/limits/{action}", c.adminOnly("limits", c.putLimit))
	mux.Handle("GET /console/admin/integrations", c.adminOnly("integrations", c.integrations))
	c.registerRemovals(mux)
	mux.Handle("GET /console/admin/messages", c.adminOnly("messages", c.messageTemplates))
	mux.Handle("POST /console/admin/messages", c.adminOnly("messages", c.putMessageTemplate))
}

// adminForm is a refused admin form to show again: which form, the API's refusal
// and what the person typed.
type adminForm struct {
	Name    string
	Refusal *refusal
	Input   map[string]string
}

// drawnVersion is the version a form was drawn with (its hidden "version"), for
// the API's If-Match: nil when it has none.
func drawnVersion(r *http.Request) *string {
	if v := strings.TrimSpace(r.PostFormValue("version")); v != "" {
		return &v
	}
	return nil
}

// drawAt records in a form's input the entry it is drawn for (key) and that
// entry's version — versions[key], "seed" for none yet — for its hidden version_of
// and version fields (template "drawnat").
func drawAt(in map[string]string, key string, versions map[string]string) {
	in["version_of"], in["version"] = key, cmp.Or(versions[key], api.SeedETag)
}

// sentVersion is the If-Match of a form sent for the entry key names: the version
// it was drawn with when sent for that entry; else "seed" — its key fields were
// changed, so the entry they name must not exist yet: a form never overwrites an
// entry it did not show.
func sentVersion(r *http.Request, key string) *string {
	if r.PostFormValue("version_of") == key {
		return drawnVersion(r)
	}
	seed := api.SeedETag
	return &seed
}

// formValues reads the named form fields, trimmed.
func formValues(r *http.Request, names ...string) map[string]string {
	in := map[string]string{}
	for _, n := range names {
		in[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return in
}

// setIfGiven copies the non-empty inputs into body: an empty field is left out, so
// the API applies its default or keeps the current value.
func setIfGiven(body map[string]any, in map[string]string, names ...string) {
	for _, n := range names {
		if in[n] != "" {
			body[n] = in[n]
		}
	}
}

// renderAdmin renders an admin page, or the API's refusal of its read (a 403 for
// anyone but an admin) in its place.
func (c *Console) renderAdmin(w http.ResponseWriter, r *http.Request, status int, section string, pageRef *refusal, form adminForm, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["Section"], data["Form"] = section, form
	if pageRef != nil {
		data["PageRefusal"] = pageRef
		if form.Refusal != nil {
			status = form.Refusal.Status
		} else {
			status = pageRef.Status
		}
	}
	c.render(w, r, status, "admin_"+section, data)
}
