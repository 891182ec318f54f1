package console

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
	domain "github.com/complaintflow/complaintflow/internal/complaint"
)

// complaint is the API's complaint (the generated type, so its shape is the
// OpenAPI document's) with the page's reading of its SLA clocks.
type complaint struct {
	apiclient.Complaint
	// Run is the resolution clock's current run as the complaint's events tell it;
	// nil where they were not read (a complaint never reopened needs none).
	Run *clockRun
}

// clock is one SLA deadline as the countdown script reads it from data attributes.
type clock struct {
	Name string
	Key  string // the name's message id

	Start    time.Time
	Due      time.Time
	Done     bool // met: the response was given or the complaint resolved
	Breached bool
	Paused   bool
	// Budget is the clock's time (clockBudget): the share of it used is what its
	// warnings are percents of.
	Budget time.Duration
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

// BudgetSeconds is Budget as the countdown's data-budget attribute: the script's
// share used is 1 - (time to Due) / budget, so time waited on the customer is not
// counted as used.
func (k clock) BudgetSeconds() int64 { return int64(k.Budget / time.Second) }

// clocks are the complaint's SLA deadlines, as the API reported them.
func (c complaint) Clocks() []clock {
	paused := c.WaitingSince != nil
	start, done := c.CreatedAt, c.Sla.FirstResponseAt != nil && !c.Sla.FirstResponseRunning
	breached := c.Sla.FirstResponseBreached
	if c.Sla.FirstResponseAt != nil && c.Sla.FirstResponseRunning {
		// A round the customer's dissatisfied answer reopened: its clock started then,
		// and is breached only once its own deadline passed — the row's flag is sticky
		// and may be an earlier round's.
		start, _ = c.resolutionRun()
		breached = !time.Now().Before(c.FirstResponseDueAt)
	}
	out := []clock{{Name: "First response", Key: "clock.first", Start: start, Due: c.FirstResponseDueAt,
		Done: done, Breached: breached, Paused: paused,
		BusinessLeft: c.Sla.FirstResponseBusinessLeftSeconds, Warnings: c.Sla.WarningPercents}}
	out[0].Budget = clockBudget(out[0].Start, out[0].Due, 0)
	if c.ResolutionDueAt != nil {
		start, waited := c.resolutionRun()
		out = append(out, clock{Name: "Resolution", Key: "clock.resolution", Start: start, Due: *c.ResolutionDueAt,
			Done: c.Sla.ResolvedAt != nil, Breached: c.Sla.ResolutionBreached, Paused: paused,
			BusinessLeft: c.Sla.ResolutionBusinessLeftSeconds, Warnings: c.Sla.WarningPercents,
			Budget: clockBudget(start, *c.ResolutionDueAt, waited)})
	}
	return out
}

// Next is the clock the queue shows: the running one due first; when none runs, a
// breached one (a clock met late is no success), else the last one met.
func (c complaint) Next() clock {
	clocks := c.Clocks()
	for _, k := range clocks {
		if !k.Done {
			return k
		}
	}
	for _, k := range clocks {
		if k.Breached {
			return k
		}
	}
	return clocks[len(clocks)-1]
}

// page is a list answer of the API: its items, as the generated type T, and the
// cursor of the page after it (nil on the last).
type page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// The status filter's two choices beyond one status: the statuses still awaiting
// resolution (the queue's default), and every status.
const (
	statusActive = "active"
	statusAny    = "any"
)

// activeStatuses are the statuses the queue shows by default, as the domain
// defines them.
var activeStatuses = func() []string {
	var out []string
	for _, s := range domain.Statuses {
		if s.Active() {
			out = append(out, string(s))
		}
	}
	return out
}()

// queueFilters are the list API's filters the queue offers, read from the query,
// and the cursor of the page shown.
type queueFilters struct {
	Owner, Team, Status, Urgency, Breached, Q string
	Category, Channel, EscalationPending      string
	// Breaching is breaching_within (hours: what breaches soon), ReportsTo
	// reports_to (me: what a manager's reports own).
	Breaching, ReportsTo string
	Cursor               string
}

func filtersOf(r *http.Request, p auth.Principal) queueFilters {
	q := r.URL.Query()
	f := queueFilters{Owner: q.Get("owner"), Team: q.Get("team_id"), Status: q.Get("status"),
		Urgency: q.Get("urgency"), Breached: q.Get("breached"), Q: q.Get("q"),
		Category: q.Get("category"), Channel: q.Get("channel"), EscalationPending: q.Get("escalation_pending"),
		Breaching: q.Get("breaching_within"), ReportsTo: q.Get("reports_to"), Cursor: q.Get("cursor")}
	// An agent starts on their own queue, everyone else on all; "any" is the
	// explicit choice of all.
	switch {
	case !q.Has("owner") && p.Role == auth.RoleAgent && p.PersonID != "":
		f.Owner = "me"
	case f.Owner == "":
		f.Owner = "any"
	}
	// The queue is the work still to do unless another status is asked for.
	if f.Status == "" {
		f.Status = statusActive
	}
	return f
}

// Query is the filters and the page's cursor as the console's own query string, for
// the fragment poll, which refreshes the page shown.
func (f queueFilters) Query() template.URL {
	v := f.values()
	if f.Cursor != "" {
		v.Set("cursor", f.Cursor)
	}
	return template.URL(v.Encode())
}

// Next is the query of the page after this one, which cursor continues.
func (f queueFilters) Next(cursor string) template.URL {
	v := f.values()
	v.Set("cursor", cursor)
	return template.URL(v.Encode())
}

// First is the query of the first page under the same filters.
func (f queueFilters) First() template.URL { return template.URL(f.values().Encode()) }

func (f queueFilters) values() url.Values {
	v := url.Values{}
	v.Set("owner", f.Owner)
	for k, s := range map[string]string{"team_id": f.Team, "status": f.Status, "urgency": f.Urgency, "breached": f.Breached, "q": f.Q,
		"category": f.Category, "channel": f.Channel, "escalation_pending": f.EscalationPending,
		"breaching_within": f.Breaching, "reports_to": f.ReportsTo} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// params are the API's: the filters, nearest deadline first, from the cursor.
func (f queueFilters) params() *apiclient.ListComplaintsParams {
	due := apiclient.Due
	p := &apiclient.ListComplaintsParams{Sort: &due}
	set := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	if f.Owner != "any" {
		p.Owner = set(f.Owner)
	}
	p.TeamId, p.Q, p.Cursor, p.ReportsTo = set(f.Team), set(f.Q), set(f.Cursor), set(f.ReportsTo)
	if f.Breaching != "" {
		// Not a number is sent as 0, which the API refuses naming the parameter.
		hours, _ := strconv.Atoi(f.Breaching)
		p.BreachingWithin = &hours
	}
	switch f.Status {
	case statusActive:
		p.Status = &activeStatuses
	case statusAny:
	default:
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

// preset is one of the queue's ready-made views: its element id, its name's
// message id, its query and whether it is the view shown.
type preset struct {
	ID, Key string
	Query   template.URL
	Current bool
}

// presets are "My queue" (for a person), "My team" (for a person of a team in the
// directory), "My reports" (for a manager who is a person) and "All", each on the
// default statuses and nearest deadline first.
func presets(f queueFilters, p auth.Principal, team string) []preset {
	var out []preset
	add := func(id, key, owner, teamID, reportsTo string) {
		v := url.Values{"owner": {owner}}
		if teamID != "" {
			v.Set("team_id", teamID)
		}
		if reportsTo != "" {
			v.Set("reports_to", reportsTo)
		}
		current := f.Owner == owner && f.Team == teamID && f.ReportsTo == reportsTo && f.Status == statusActive &&
			f.Cursor == "" && f.Urgency == "" && f.Breached == "" && f.Q == "" && f.Category == "" && f.Channel == "" &&
			f.EscalationPending == "" && f.Breaching == ""
		out = append(out, preset{ID: id, Key: key, Query: template.URL(v.Encode()), Current: current})
	}
	if p.PersonID != "" {
		add("preset-mine", "queue.mine", "me", "", "")
	}
	if team != "" {
		add("preset-team", "queue.myteam", "any", team, "")
	}
	if p.PersonID != "" && p.Role == auth.RoleManager {
		add("preset-reports", "queue.myreports", "any", "", "me")
	}
	add("preset-all", "queue.all", "any", "", "")
	return out
}

// breachingChoices are the breaching-soon filter's windows, in hours.
var breachingChoices = []string{"1", "2", "4", "8", "24"}

// list asks the API for a page of the filtered complaints, nearest deadline first
// (the API's order), and the cursor of the page after it ("" on the last).
func (c *Console) list(r *http.Request, f queueFilters) ([]complaint, string, *refusal, error) {
	var got page[apiclient.Complaint]
	ref, err := into(&got)(c.client.ListComplaints(r.Context(), f.params()))
	if ref != nil || err != nil {
		return nil, "", ref, err
	}
	items := make([]complaint, len(got.Items))
	for i, cm := range got.Items {
		items[i] = complaint{Complaint: cm}
	}
	if err := c.readRuns(r, items); err != nil {
		return nil, "", nil, err
	}
	var next string
	if got.NextCursor != nil {
		next = *got.NextCursor
	}
	return items, next, nil, nil
}

// personTeam is the team of the signed-in person in the directory, "" when they
// are no person, have no team or may not read the directory.
func (c *Console) personTeam(r *http.Request, person string) string {
	if person == "" {
		return ""
	}
	var p apiclient.Person
	if ref, err := into(&p)(c.client.GetPerson(r.Context(), person)); ref != nil || err != nil || p.TeamId == nil {
		return ""
	}
	return *p.TeamId
}

func (c *Console) queue(w http.ResponseWriter, r *http.Request) {
	p := viewerFrom(r.Context()).Principal
	f := filtersOf(r, p)
	items, next, ref, err := c.list(r, f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if ref != nil {
		status = ref.Status
	}
	rows, err := c.part(c.fragRow, "rows", map[string]any{"Items": items, "Lang": langOf(r)})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, status, "queue", map[string]any{"Filters": f, "Rows": rows, "Next": next, "Refusal": ref,
		"Presets": presets(f, p, c.personTeam(r, p.PersonID)), "BreachingChoices": breachingChoices})
}

// queueRows is the queue's table body alone, which the page polls to stay current.
func (c *Console) queueRows(w http.ResponseWriter, r *http.Request) {
	f := filtersOf(r, viewerFrom(r.Context()).Principal)
	items, _, ref, err := c.list(r, f)
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	c.partAnswer(w, r, c.fragRow, "rows", map[string]any{"Items": items, "Lang": langOf(r)})
}

// funcs are the templates' helpers: formatting only.
var funcs = template.FuncMap{
	"version": versionTag,
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
	// span is a length of working time as hours and minutes in lang: "26h 5m",
	// "26小时 5分" (the countdown's units).
	"span": spanOf,
	// decided and happened are what an escalation's decision and an event say
	// beyond a kind and a name (decided.go), as template "details" lays them out.
	"decided":  decidedDetails,
	"happened": eventDetails,
	"t":        translate,
	"at":       localTime,
	// enum, kpi, kpivalue, riskvalue and dur show the API's values in the
	// viewer's language (values.go).
	"enum":      enumName,
	"kpi":       kpiName,
	"kpivalue":  kpiValue,
	"riskvalue": riskValue,
	"dur":       durationIn,
	"escreason": escReason, // why an escalation was asked for (reasons.go)
	// lower is a verb inside a sentence ("Really delete …").
	"lower": strings.ToLower,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"actionkey":   actionKey,
	"actionforms": func() []actionForm { return actionForms },
	"field":       fieldOf,
	"errorsOf":    errorsOf,
	"fieldaria":   fieldaria,
	"formaria":    formaria,
}
