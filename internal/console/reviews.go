package console

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// review is the API's review (the generated type) with its findings as the page
// reads them: the document gives opportunities and cycles as open objects.
type review struct {
	apiclient.Review
	Opportunities []opportunity
	Cycles        []reviewCycle
}

// opportunity is the page's reading of an improvement opportunity of a review.
type opportunity struct {
	Title       string   `json:"title"`
	Rule        string   `json:"rule"`
	Evidence    string   `json:"evidence"`
	Metric      string   `json:"metric"`
	Baseline    *float64 `json:"baseline"`
	Target      *float64 `json:"target"`
	CycleID     string   `json:"cycle_id"`
	CycleOpened *bool    `json:"cycle_opened"`
}

// reviewCycle is the page's reading of a cycle a weekly tracking review followed.
type reviewCycle struct {
	ID             string     `json:"id"`
	Title          string     `json:"title"`
	Metric         string     `json:"metric"`
	Stage          string     `json:"stage"`
	Iteration      int        `json:"iteration"`
	LastProgressAt *time.Time `json:"last_progress_at"`
	Stalled        bool       `json:"stalled"`
	// The cycle's latest check when the review ran, nil before the first.
	// Reported is false in reviews recorded before the review reported it (no
	// last_check key): they say nothing of checks.
	LastCheck *reviewCheck `json:"last_check"`
	Reported  bool         `json:"-"`
}

// UnmarshalJSON reads a cycle, telling a last_check of null (no check yet) from
// none at all (a review recorded before it was reported).
func (c *reviewCycle) UnmarshalJSON(b []byte) error {
	type plain reviewCycle
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	_, c.Reported = keys["last_check"]
	return nil
}

// reviewCheck is a tracked cycle's latest check as the review recorded it.
type reviewCheck struct {
	Iteration  int       `json:"iteration"`
	CheckedAt  time.Time `json:"checked_at"`
	Value      *float64  `json:"value"`
	Target     float64   `json:"target"`
	Met        bool      `json:"met"`
	Final      bool      `json:"final"`
	Samples    *int64    `json:"samples"`
	MinSamples *int64    `json:"min_samples"`
	Judged     bool      `json:"judged"`
}

// Verdict is the check's verdict in the viewer's language (checkVerdict).
func (k reviewCheck) Verdict(lang string) string {
	return checkVerdict(lang, k.Judged, k.Met, k.Samples, k.MinSamples)
}

// reviewOf is the page's view of an API review; a finding that does not fit the
// page's reading is left out rather than failing the page.
func reviewOf(api apiclient.Review) review {
	rv := review{Review: api}
	if api.Opportunities != nil {
		reread(*api.Opportunities, &rv.Opportunities)
	}
	if api.Cycles != nil {
		reread(*api.Cycles, &rv.Cycles)
	}
	return rv
}

// reread decodes an open JSON value of an answer into the page's view of it.
func reread(v any, out any) {
	if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, out)
	}
}

// scheduleFields are the create form's fields, sent under the API's names.
var scheduleFields = []string{"id", "kind", "cron_spec", "time_zone", "note"}

func (c *Console) reviews(w http.ResponseWriter, r *http.Request) {
	c.showReviews(w, r, http.StatusOK, map[string]any{})
}

// showReviews renders the schedules and the reviews; extra carries a form's refusal
// and input, or the schedule just created.
func (c *Console) showReviews(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	var schedules page[apiclient.ReviewSchedule]
	var reviews []review
	for _, get := range []func() (*refusal, error){
		func() (*refusal, error) { return into(&schedules)(c.client.ListReviewSchedules(r.Context())) },
		func() (ref *refusal, err error) {
			reviews, ref, err = c.reviewList(r)
			return ref, err
		},
	} {
		if ref, err := get(); c.refusedPage(w, r, "reviews", ref, err) {
			return
		}
	}
	list, err := c.part(c.pages["reviews"], "review-list", map[string]any{"Reviews": reviews, "Lang": langOf(r)})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	extra["Schedules"], extra["ReviewList"] = schedules.Items, list
	// The zone is left to the browser (data-zone, as a new PDCA cycle's): a schedule
	// cuts its periods in the team's own zone; without script it stays empty (UTC).
	if extra["Input"] == nil {
		extra["Input"] = map[string]string{"kind": "monthly_planning"}
	}
	if extra["RunInput"] == nil {
		extra["RunInput"] = map[string]string{"kind": "monthly_planning"}
	}
	c.render(w, r, status, "reviews", extra)
}

// reviewList is the newest reviews (the API's first page) as the page reads them.
func (c *Console) reviewList(r *http.Request) ([]review, *refusal, error) {
	var reviews page[apiclient.Review]
	ref, err := into(&reviews)(c.client.ListReviews(r.Context(), nil))
	views := make([]review, len(reviews.Items))
	for i, rv := range reviews.Items {
		views[i] = reviewOf(rv)
	}
	return views, ref, err
}

// reviewsNow is the list of reviews alone, which the open page fetches every 3 s:
// a review started here or by a schedule appears, running, and then with its
// findings, without a reload; the list has no forms to lose.
func (c *Console) reviewsNow(w http.ResponseWriter, r *http.Request) {
	reviews, ref, err := c.reviewList(r)
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	c.partAnswer(w, r, c.pages["reviews"], "review-list", map[string]any{"Reviews": reviews, "Lang": langOf(r)})
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
	var created apiclient.ReviewSchedule
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
		// No If-Match: the one field is set to what the button says, whatever
		// another change did to the schedule.
		paused := action == "pause"
		res, err = c.client.PatchReviewSchedule(r.Context(), id, nil, apiclient.PatchReviewScheduleJSONRequestBody{Paused: &paused})
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

// runFields are the "review now" form's fields, sent under the API's names.
var runFields = []string{"kind", "period", "time_zone"}

// runReview starts a review of the period the form names; the page then lists it
// among the reviews once it has judged the period.
func (c *Console) runReview(w http.ResponseWriter, r *http.Request) {
	input := formInput(r, runFields...)
	body := map[string]any{}
	for _, f := range runFields {
		if input[f] != "" {
			body[f] = input[f]
		}
	}
	var started struct {
		ID         string    `json:"id"`
		Kind       string    `json:"kind"`
		TimeZone   string    `json:"time_zone"`
		PeriodFrom time.Time `json:"period_from"`
		PeriodTo   time.Time `json:"period_to"`
	}
	ref, err := into(&started)(c.client.RunReviewWithBody(r.Context(), "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showReviews(w, r, ref.Status, map[string]any{"Form": "run", "Refusal": ref, "RunInput": input})
		return
	}
	c.showReviews(w, r, http.StatusAccepted, map[string]any{"Started": &started})
}
