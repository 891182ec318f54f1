package console

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// complaint is the API's complaint (the generated type, so its shape is the
// OpenAPI document's) with the page's reading of its SLA clocks.
type complaint struct{ apiclient.Complaint }

// clock is one SLA deadline as the countdown script reads it from data attributes.
type clock struct {
	Name string
	Key  string // the name's message id

	Start    time.Time
	Due      time.Time
	Done     bool // met: the response was given or the complaint resolved
	Breached bool
	Paused   bool
	// BusinessLeft is the working time to Due on the complaint's calendar, in
	// seconds, as the API computed it for the complaint's own read (nil elsewhere).
	BusinessLeft *int64
	// Warnings are the percents of the clock's budget at which its policy warns, as
	// the API reports them (sla.warning_percents); none for a clock without.
	Warnings []int
}

// WarningList is Warnings as the countdown's data-warnings attribute: "50,75,90".
func (k clock) WarningList() string {
	out := make([]string, len(k.Warnings))
	for i, w := range k.Warnings {
		out[i] = strconv.Itoa(w)
	}
	return strings.Join(out, ",")
}

// clocks are the complaint's SLA deadlines, as the API reported them.
func (c complaint) Clocks() []clock {
	paused := c.WaitingSince != nil
	out := []clock{{Name: "First response", Key: "clock.first", Start: c.CreatedAt, Due: c.FirstResponseDueAt,
		Done: c.Sla.FirstResponseAt != nil, Breached: c.Sla.FirstResponseBreached, Paused: paused,
		BusinessLeft: c.Sla.FirstResponseBusinessLeftSeconds, Warnings: c.Sla.WarningPercents}}
	if c.ResolutionDueAt != nil {
		out = append(out, clock{Name: "Resolution", Key: "clock.resolution", Start: c.CreatedAt, Due: *c.ResolutionDueAt,
			Done: c.Sla.ResolvedAt != nil, Breached: c.Sla.ResolutionBreached, Paused: paused,
			BusinessLeft: c.Sla.ResolutionBusinessLeftSeconds, Warnings: c.Sla.WarningPercents})
	}
	return out
}

// Next is the clock still running that is due first; the zero clock when none runs.
func (c complaint) Next() clock {
	for _, k := range c.Clocks() {
		if !k.Done {
			return k
		}
	}
	return clock{}
}

// page is a list answer of the API: its items, as the generated type T.
type page[T any] struct {
	Items []T `json:"items"`
}

// queueFilters are the list API's filters the queue offers, read from the query.
type queueFilters struct {
	Owner, Team, Status, Urgency, Breached, Q string
	Category, Channel, EscalationPending      string
}

func filtersOf(r *http.Request, p auth.Principal) queueFilters {
	q := r.URL.Query()
	f := queueFilters{Owner: q.Get("owner"), Team: q.Get("team_id"), Status: q.Get("status"),
		Urgency: q.Get("urgency"), Breached: q.Get("breached"), Q: q.Get("q"),
		Category: q.Get("category"), Channel: q.Get("channel"), EscalationPending: q.Get("escalation_pending")}
	// An agent starts on their own queue; "any" is the explicit choice of all.
	if !q.Has("owner") && p.Role == auth.RoleAgent && p.PersonID != "" {
		f.Owner = "me"
	}
	return f
}

// Query is the filters as the console's own query string, for the fragment poll.
func (f queueFilters) Query() template.URL {
	v := url.Values{}
	v.Set("owner", f.Owner)
	for k, s := range map[string]string{"team_id": f.Team, "status": f.Status, "urgency": f.Urgency, "breached": f.Breached, "q": f.Q,
		"category": f.Category, "channel": f.Channel, "escalation_pending": f.EscalationPending} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return template.URL(v.Encode())
}

func (f queueFilters) params() *apiclient.ListComplaintsParams {
	p := &apiclient.ListComplaintsParams{}
	set := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	if f.Owner != "any" {
		p.Owner = set(f.Owner)
	}
	p.TeamId, p.Q = set(f.Team), set(f.Q)
	if f.Status != "" {
		p.Status = &[]string{f.Status}
	}
	if f.Urgency != "" {
		p.Urgency = &[]string{f.Urgency}
	}
	if f.Breached != "" {
		b := apiclient.ListComplaintsParamsBreached(f.Breached)
		p.Breached = &b
	}
	if f.Category != "" {
		p.Category = &[]string{f.Category}
	}
	if f.Channel != "" {
		p.Channel = &[]string{f.Channel}
	}
	if f.EscalationPending != "" {
		e := apiclient.ListComplaintsParamsEscalationPending(f.EscalationPending)
		p.EscalationPending = &e
	}
	return p
}

// list asks the API for the filtered complaints, nearest deadline first (the order
// is presentation; the API decides what is listed).
func (c *Console) list(r *http.Request, f queueFilters) ([]complaint, *refusal, error) {
	var got page[apiclient.Complaint]
	ref, err := into(&got)(c.client.ListComplaints(r.Context(), f.params()))
	if ref != nil || err != nil {
		return nil, ref, err
	}
	items := make([]complaint, len(got.Items))
	for i, cm := range got.Items {
		items[i] = complaint{cm}
	}
	slices.SortStableFunc(items, func(a, b complaint) int {
		da, db := a.Next().Due, b.Next().Due
		switch {
		case da.IsZero() != db.IsZero():
			if da.IsZero() {
				return 1
			}
			return -1
		default:
			return da.Compare(db)
		}
	})
	return items, nil, nil
}

func (c *Console) queue(w http.ResponseWriter, r *http.Request) {
	f := filtersOf(r, viewerFrom(r.Context()).Principal)
	items, ref, err := c.list(r, f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if ref != nil {
		status = ref.Status
	}
	c.render(w, r, status, "queue", map[string]any{"Filters": f, "Items": items, "Refusal": ref})
}

// queueRows is the queue's table body alone, which the page polls to stay current.
func (c *Console) queueRows(w http.ResponseWriter, r *http.Request) {
	f := filtersOf(r, viewerFrom(r.Context()).Principal)
	items, ref, err := c.list(r, f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		http.Error(w, ref.Detail, ref.Status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := c.fragRow.ExecuteTemplate(w, "rows", map[string]any{"Items": items, "Lang": langOf(r)}); err != nil {
		c.log.ErrorContext(r.Context(), "console rows failed", "error", err)
	}
}

// funcs are the templates' helpers: formatting only.
var funcs = template.FuncMap{
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"seconds": func(s float64) string { return time.Duration(s * float64(time.Second)).Round(time.Second).String() },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"deref": func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	},
	"list": func(s ...string) []string { return s },
	// span is a length of working time as hours and minutes: "26h 5m".
	"span": func(secs int64) string {
		d := time.Duration(secs) * time.Second
		return fmt.Sprintf("%dh %dm", int64(d.Hours()), int64(d.Minutes())%60)
	},
	"t":  translate,
	"at": localTime,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"field": func(r *refusal, name string) string {
		if r == nil {
			return ""
		}
		return r.Fields[name]
	},
}
