package console

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// complaint is the part of the API's complaint the pages show.
type complaint struct {
	ID           string         `json:"id"`
	Status       string         `json:"status"`
	Channel      string         `json:"channel"`
	Category     string         `json:"category"`
	Urgency      string         `json:"urgency"`
	Subject      string         `json:"subject"`
	Description  string         `json:"description"`
	Owner        *string        `json:"owner"`
	TeamID       *string        `json:"team_id"`
	Scope        string         `json:"scope"`
	Keywords     []string       `json:"keywords"`
	CreatedAt    time.Time      `json:"created_at"`
	WaitingSince *time.Time     `json:"waiting_since"`
	FirstDue     time.Time      `json:"first_response_due_at"`
	ResolveDue   *time.Time     `json:"resolution_due_at"`
	Customer     map[string]any `json:"customer"`
	// PersonalData is "masked" when the customer's personal fields are (docs/privacy.md).
	PersonalData string `json:"personal_data"`
	SLA          struct {
		FirstResponse         string     `json:"first_response"`
		Resolution            *string    `json:"resolution"`
		FirstResponseAt       *time.Time `json:"first_response_at"`
		FirstResponseBreached bool       `json:"first_response_breached"`
		ResolvedAt            *time.Time `json:"resolved_at"`
		ResolutionBreached    bool       `json:"resolution_breached"`
	} `json:"sla"`
	Resolution *struct {
		Summary   string `json:"summary"`
		RootCause string `json:"root_cause"`
	} `json:"resolution"`
}

// clock is one SLA deadline as the countdown script reads it from data attributes.
type clock struct {
	Name     string
	Start    time.Time
	Due      time.Time
	Done     bool // met: the response was given or the complaint resolved
	Breached bool
	Paused   bool
}

// clocks are the complaint's SLA deadlines, as the API reported them.
func (c complaint) Clocks() []clock {
	paused := c.WaitingSince != nil
	out := []clock{{Name: "First response", Start: c.CreatedAt, Due: c.FirstDue,
		Done: c.SLA.FirstResponseAt != nil, Breached: c.SLA.FirstResponseBreached, Paused: paused}}
	if c.ResolveDue != nil {
		out = append(out, clock{Name: "Resolution", Start: c.CreatedAt, Due: *c.ResolveDue,
			Done: c.SLA.ResolvedAt != nil, Breached: c.SLA.ResolutionBreached, Paused: paused})
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
	var got page[complaint]
	ref, err := into(&got)(c.client.ListComplaints(r.Context(), f.params()))
	if ref != nil || err != nil {
		return nil, ref, err
	}
	slices.SortStableFunc(got.Items, func(a, b complaint) int {
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
	return got.Items, nil, nil
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
	if err := c.fragRow.ExecuteTemplate(w, "rows", items); err != nil {
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
	"t":    translate,
	"at":   localTime,
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
