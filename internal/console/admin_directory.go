package console

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

var (
	teamFields   = []string{"id", "name", "lead_id"}
	personFields = []string{"id", "name", "role", "team_id", "manager_id", "email", "webhook_url"}
	// personRoles are the directory's roles, lowest first.
	personRoles = []string{"agent", "team_lead", "manager", "director", "executive"}
	// keyGraces are how long a rotation may keep the old key signing, in seconds
	// as the API's grace_seconds: the API's default first, its most, and none, for
	// a key that leaked.
	keyGraces = []keyGrace{{seconds(api.WebhookKeyGrace), "dir.grace.day"}, {seconds(api.MaxWebhookKeyGrace), "dir.grace.week"},
		{"0", "dir.grace.none"}}
)

// keyGrace is a grace a rotation offers: its grace_seconds and its label's id.
type keyGrace struct{ Seconds, Label string }

func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

func (c *Console) directory(w http.ResponseWriter, r *http.Request) {
	c.showDirectory(w, r, http.StatusOK, adminForm{}, nil)
}

// showDirectory renders teams and people, each person with their reporting chain;
// ?team= and ?person= open that entry in its form. keyed is a person just given a
// webhook signing key (issued or rotated), which this answer shows once, as a new
// token's secret (showTokens): the page is not cached and not redirected to.
func (c *Console) showDirectory(w http.ResponseWriter, r *http.Request, status int, form adminForm, keyed *apiclient.PersonWithKey) {
	var teams page[apiclient.Team]
	var people page[apiclient.PersonDetail]
	ref, err := into(&teams)(c.client.ListTeams(r.Context()))
	if err == nil && ref == nil {
		ref, err = into(&people)(c.client.ListPeople(r.Context(), nil))
	}
	// The list leaves chains out; each person's own read has it.
	for i := 0; err == nil && ref == nil && i < len(people.Items); i++ {
		_, err = into(&people.Items[i])(c.client.GetPerson(r.Context(), people.Items[i].Id))
	}
	if err != nil && keyed != nil {
		// The key is in this answer only: shown even when the directory is not.
		c.log.ErrorContext(r.Context(), "console request: directory not read", "path", r.URL.Path, "error", err)
		ref, err = &refusal{Status: http.StatusInternalServerError, Detail: "the directory could not be read; see the server log"}, nil
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	teamIn, personIn := map[string]string{}, map[string]string{"role": "agent"}
	var teamRef, personRef *refusal
	switch form.Name {
	case "team":
		teamIn, teamRef = form.Input, form.Refusal
	case "person":
		personIn, personRef = form.Input, form.Refusal
	}
	q := r.URL.Query()
	for _, t := range teams.Items {
		if form.Name == "" && t.Id == q.Get("team") {
			teamIn = map[string]string{"id": t.Id, "name": t.Name, "lead_id": deref(t.LeadId)}
		}
	}
	// The person just keyed (saved with a new webhook, or rotated) is opened in
	// the form, as a save's redirect to ?person= opens them.
	open := q.Get("person")
	if keyed != nil {
		open = keyed.Id
	}
	for _, p := range people.Items {
		if form.Name == "" && p.Id == open {
			personIn = map[string]string{"id": p.Id, "name": p.Name, "role": string(p.Role), "team_id": deref(p.TeamId),
				"manager_id": deref(p.ManagerId), "email": deref(p.Email), "webhook_url": deref(p.WebhookUrl)}
			if p.Active {
				personIn["active"] = "on"
			}
		}
	}
	if _, editing := personIn["id"]; !editing {
		personIn["active"] = "on"
	}
	teamVersions, personVersions := map[string]string{}, map[string]string{}
	for _, t := range teams.Items {
		teamVersions[t.Id] = api.TimeETag(t.UpdatedAt)
	}
	for _, p := range people.Items {
		personVersions[p.Id] = api.TimeETag(p.UpdatedAt)
	}
	drawAt(teamIn, teamIn["id"], teamVersions)
	drawAt(personIn, personIn["id"], personVersions)
	c.renderAdmin(w, r, status, "directory", ref, form, map[string]any{
		"Teams": teams.Items, "People": people.Items, "Roles": personRoles, "TeamIn": teamIn, "PersonIn": personIn,
		"TeamRef": teamRef, "PersonRef": personRef, "Keyed": keyed,
	})
}

// putTeam creates or changes a team.
func (c *Console) putTeam(w http.ResponseWriter, r *http.Request) {
	in := formValues(r, teamFields...)
	body := map[string]any{"name": in["name"]}
	setIfGiven(body, in, "lead_id")
	if c.putEntry(w, r, "team", in, func() (*refusal, error) {
		return into(nil)(c.client.PutTeamWithBody(r.Context(), in["id"], &apiclient.PutTeamParams{IfMatch: sentVersion(r, in["id"])},
			"application/json", jsonBody(body)))
	}) {
		http.Redirect(w, r, "/console/admin/directory?team="+url.QueryEscape(in["id"]), http.StatusSeeOther)
	}
}

// putPerson creates or changes a person. A person given a webhook they did not
// have gets a signing key, in the API's answer only: the page shows it then.
func (c *Console) putPerson(w http.ResponseWriter, r *http.Request) {
	in := formValues(r, personFields...)
	in["active"] = r.PostFormValue("active")
	body := map[string]any{"name": in["name"], "role": in["role"], "active": in["active"] == "on"}
	setIfGiven(body, in, "team_id", "manager_id", "email", "webhook_url")
	var saved apiclient.PersonWithKey
	if !c.putEntry(w, r, "person", in, func() (*refusal, error) {
		return into(&saved)(c.client.PutPersonWithBody(r.Context(), in["id"], &apiclient.PutPersonParams{IfMatch: sentVersion(r, in["id"])},
			"application/json", jsonBody(body)))
	}) {
		return
	}
	if deref(saved.WebhookSecret) != "" {
		c.showDirectory(w, r, http.StatusOK, adminForm{}, &saved)
		return
	}
	http.Redirect(w, r, "/console/admin/directory?person="+url.QueryEscape(in["id"]), http.StatusSeeOther)
}

// rotateWebhookKey gives a person with a webhook a new signing key and shows it
// once, with when the old key, which signs beside it for the grace chosen (none
// chosen: the API's default), stops, so their receiver keeps working meanwhile. It is
// the confirmation page's act (removals' "webhook-key"), against the version of the
// person the directory showed: a misclick does not break their receiver, and a
// refusal (changed since, no webhook now) is shown on that page.
func (c *Console) rotateWebhookKey(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body := map[string]any{}
	if grace := r.PostFormValue("grace_seconds"); grace != "" {
		body["grace_seconds"] = grace // not a number: sent as it is, for the API to refuse
		if n, err := strconv.ParseInt(grace, 10, 64); err == nil {
			body["grace_seconds"] = n
		}
	}
	var rotated apiclient.PersonWithKey
	ref, err := into(&rotated)(c.client.RotatePersonWebhookSecretWithBody(r.Context(), id,
		&apiclient.RotatePersonWebhookSecretParams{IfMatch: drawnVersion(r)}, "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		r.SetPathValue("kind", webhookKeyKind)
		c.showConfirm(w, r, ref.Status, ref)
		return
	}
	c.showDirectory(w, r, http.StatusOK, adminForm{}, &rotated)
}

// putEntry sends a directory form, against the version of the entry it was drawn
// for (sentVersion); an ID is part of the path, so a missing one is refused here as
// the API would refuse an empty path segment. It reports whether the entry was
// saved; when not, it has answered with the form and the refusal.
func (c *Console) putEntry(w http.ResponseWriter, r *http.Request, name string, in map[string]string, put func() (*refusal, error)) bool {
	var ref *refusal
	var err error
	if in["id"] == "" {
		ref = &refusal{Status: http.StatusBadRequest, Detail: "the " + name + " needs an ID", Fields: map[string]string{"id": "is required"}}
	} else {
		ref, err = put()
	}
	if err != nil {
		c.fail(w, r, err)
		return false
	}
	if ref != nil {
		c.showDirectory(w, r, ref.Status, adminForm{Name: name, Refusal: ref, Input: in}, nil)
		return false
	}
	return true
}
