package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// calendar is the API's calendar (the generated type) with its weekly hours as the
// JSON the form edits.
type calendar struct{ apiclient.Calendar }

// WeeklyJSON is the weekly hours as the API takes them back.
func (c calendar) WeeklyJSON() string {
	b, err := json.Marshal(c.WeeklyHours)
	if err != nil {
		return ""
	}
	return string(b)
}

var calendarFields = []string{"id", "name", "time_zone", "weekly_hours", "holidays", "working_days"}

func (c *Console) calendars(w http.ResponseWriter, r *http.Request) {
	c.showCalendars(w, r, http.StatusOK, adminForm{})
}

// showCalendars renders the calendars, the edit form (?edit= opens one) and, given
// ?preview=<id>&from=&add=, the deadline the API computes on that calendar.
func (c *Console) showCalendars(w http.ResponseWriter, r *http.Request, status int, form adminForm) {
	var list page[apiclient.Calendar]
	ref, err := into(&list)(c.client.ListCalendars(r.Context()))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if form.Input == nil {
		form.Input = map[string]string{"weekly_hours": `{"mon": [{"start": "09:00", "end": "18:00"}]}`}
	}
	cals := make([]calendar, len(list.Items))
	for i, cal := range list.Items {
		cals[i] = calendar{cal}
		if form.Name == "" && cal.Id == q.Get("edit") {
			form.Input = map[string]string{"id": cal.Id, "name": cal.Name, "time_zone": cal.TimeZone,
				"weekly_hours": cals[i].WeeklyJSON(), "holidays": join(cal.Holidays, ", "),
				"working_days": join(cal.WorkingDays, ", ")}
		}
	}
	versions := map[string]string{}
	for _, cal := range list.Items {
		versions[cal.Id] = api.TimeETag(cal.UpdatedAt)
	}
	drawAt(form.Input, form.Input["id"], versions)
	data := map[string]any{"Calendars": cals}
	pv := map[string]string{"preview": q.Get("preview"), "from": q.Get("from"), "add": q.Get("add")}
	if pv["from"] == "" {
		pv["from"] = time.Now().UTC().Truncate(time.Minute).Format(time.RFC3339)
	}
	data["PreviewIn"] = pv
	var pref *refusal // typed, for the template's field helpers
	data["PreviewRefusal"] = pref
	if ref == nil && pv["preview"] != "" {
		var got apiclient.CalendarPreview
		pref, err = into(&got)(c.client.GetCalendar(r.Context(), pv["preview"], nil, withQuery(url.Values{"from": {pv["from"]}, "add": {pv["add"]}})))
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if pref != nil {
			data["PreviewRefusal"] = pref
			status = pref.Status
		} else {
			data["Preview"] = got
		}
	}
	c.renderAdmin(w, r, status, "calendars", ref, form, data)
}

// withQuery sends the query exactly as typed, so the API names a bad from or add.
func withQuery(q url.Values) func(context.Context, *http.Request) error {
	return func(_ context.Context, req *http.Request) error {
		req.URL.RawQuery = q.Encode()
		return nil
	}
}

// putCalendar creates or changes a calendar: weekly hours are JSON as the API takes
// them (sent as typed when they are not JSON, for the API to refuse), the lists are
// comma-separated.
func (c *Console) putCalendar(w http.ResponseWriter, r *http.Request) {
	in := formValues(r, calendarFields...)
	body := map[string]any{"name": in["name"], "time_zone": in["time_zone"], "weekly_hours": in["weekly_hours"]}
	if json.Valid([]byte(in["weekly_hours"])) {
		body["weekly_hours"] = json.RawMessage(in["weekly_hours"])
	}
	for _, f := range []string{"holidays", "working_days"} {
		if in[f] != "" {
			body[f] = splitList(in[f])
		}
	}
	var ref *refusal
	var err error
	if in["id"] == "" {
		ref = &refusal{Status: http.StatusBadRequest, Detail: "the calendar needs an ID", Fields: map[string]string{"id": "is required"}}
	} else {
		ref, err = into(nil)(c.client.PutCalendarWithBody(r.Context(), in["id"], &apiclient.PutCalendarParams{IfMatch: sentVersion(r, in["id"])},
			"application/json", jsonBody(body)))
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showCalendars(w, r, ref.Status, adminForm{Name: "calendar", Refusal: ref, Input: in})
		return
	}
	http.Redirect(w, r, "/console/admin/calendars?edit="+url.QueryEscape(in["id"]), http.StatusSeeOther)
}

// splitList reads "a, b c" as its items.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })
}
