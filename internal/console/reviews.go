package console

import (
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// schedule is a review schedule as the API shows it.
type schedule struct {
	ID       string      `json:"id"`
	Kind     string      `json:"kind"`
	CronSpec string      `json:"cron_spec"`
	TimeZone string      `json:"time_zone"`
	Paused   bool        `json:"paused"`
	Note     string      `json:"note"`
	NextRuns []time.Time `json:"next_runs"`
}

// review is a finished or running review with its findings.
type review struct {
	ID            string     `json:"id"`
	ScheduleID    string     `json:"schedule_id"`
	Kind          string     `json:"kind"`
	PeriodFrom    time.Time  `json:"period_from"`
	PeriodTo      time.Time  `json:"period_to"`
	StartedAt     time.Time  `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
	Summary       string     `json:"summary"`
	Opportunities []struct {
		Title       string   `json:"title"`
		Rule        string   `json:"rule"`
		Evidence    string   `json:"evidence"`
		Metric      string   `json:"metric"`
		Baseline    *float64 `json:"baseline"`
		Target      *float64 `json:"target"`
		CycleID     string   `json:"cycle_id"`
		CycleOpened *bool    `json:"cycle_opened"`
	} `json:"opportunities"`
	Cycles []struct {
		ID             string     `json:"id"`
		Title          string     `json:"title"`
		Stage          string     `json:"stage"`
		Iteration      int        `json:"iteration"`
		LastProgressAt *time.Time `json:"last_progress_at"`
		Stalled        bool       `json:"stalled"`
	} `json:"cycles"`
}

// scheduleFields are the create form's fields, sent under the API's names.
var scheduleFields = []string{"id", "kind", "cron_spec", "time_zone", "note"}

func (c *Console) reviews(w http.ResponseWriter, r *http.Request) {
	c.showReviews(w, r, http.StatusOK, map[string]any{})
}

// showReviews renders the schedules and the reviews; extra carries a form's refusal
// and input, or the schedule just created.
func (c *Console) showReviews(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	var schedules page[schedule]
	var reviews page[review]
	for _, get := range []func() (*refusal, error){
		func() (*refusal, error) { return into(&schedules)(c.client.ListReviewSchedules(r.Context())) },
		func() (*refusal, error) { return into(&reviews)(c.client.ListReviews(r.Context(), nil)) },
	} {
		ref, err := get()
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if ref != nil {
			c.render(w, r, ref.Status, "reviews", map[string]any{"PageRefusal": ref})
			return
		}
	}
	extra["Schedules"], extra["Reviews"] = schedules.Items, reviews.Items
	if extra["Input"] == nil {
		extra["Input"] = map[string]string{"kind": "monthly_planning", "time_zone": "UTC"}
	}
	c.render(w, r, status, "reviews", extra)
}

// createSchedule creates a schedule and shows the page with the API's preview of its
// next runs.
func (c *Console) createSchedule(w http.ResponseWriter, r *http.Request) {
	input := formInput(r, scheduleFields...)
	body := map[string]any{}
	for _, f := range scheduleFields {
		if input[f] != "" {
			body[f] = input[f]
		}
	}
	var created schedule
	ref, err := into(&created)(c.client.CreateReviewScheduleWithBody(r.Context(), "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showReviews(w, r, ref.Status, map[string]any{"Form": "create", "Refusal": ref, "Input": input})
		return
	}
	c.showReviews(w, r, http.StatusCreated, map[string]any{"Created": &created})
}

// scheduleAction pauses, resumes or triggers a schedule.
func (c *Console) scheduleAction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var res *http.Response
	var err error
	switch action := r.PathValue("action"); action {
	case "pause", "unpause":
		paused := action == "pause"
		res, err = c.client.PatchReviewSchedule(r.Context(), id, apiclient.PatchReviewScheduleJSONRequestBody{Paused: &paused})
	case "trigger":
		res, err = c.client.TriggerReviewSchedule(r.Context(), id)
	default:
		http.Error(w, "no such action", http.StatusNotFound)
		return
	}
	c.posted(w, r, res, err, "/console/reviews", func(status int, ref *refusal) {
		c.showReviews(w, r, status, map[string]any{"Form": "schedule-" + id, "Refusal": ref})
	})
}
