package console

import (
	"net/http"
	"slices"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The QA queue page (docs/quality.md, "Quality inspection"): the pending samples,
// each with a scoring form over the scorecard's criteria, grouped by dimension; the
// API checks the points. Below, the samples scored last, each total beside its
// points per dimension.

func (c *Console) qaQueue(w http.ResponseWriter, r *http.Request) {
	c.showQA(w, r, http.StatusOK, "", nil, nil)
}

// qaPending answers the open QA queue's poll with the IDs of the samples awaiting a
// score now, so the page can count what came in and close the form of a sample
// scored by another reviewer without redrawing the form being filled in.
func (c *Console) qaPending(w http.ResponseWriter, r *http.Request) {
	samples, ref, err := c.qaSamples(r)
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	ids := make([]string, len(samples.Items))
	for i, s := range samples.Items {
		ids[i] = s.Id.String()
	}
	c.pollAnswer(w, r, map[string][]string{"pending": ids})
}

// qaSamples are the samples awaiting a score (the API's first 100).
func (c *Console) qaSamples(r *http.Request) (page[apiclient.QASample], *refusal, error) {
	var samples page[apiclient.QASample]
	limit, pending := 100, apiclient.ListQAQueueParamsStatusPending
	ref, err := into(&samples)(c.client.ListQAQueue(r.Context(), &apiclient.ListQAQueueParams{Status: &pending, Limit: &limit}))
	return samples, ref, err
}

// qaScoredShown is how many of the samples scored last the page shows.
const qaScoredShown = 20

// showQA renders the queue; form names the sample a refusal and input belong to.
func (c *Console) showQA(w http.ResponseWriter, r *http.Request, status int, form string, ref *refusal, input map[string]string) {
	var samples, scored page[apiclient.QASample]
	var card apiclient.QAScorecard
	for _, get := range []func() (*refusal, error){
		func() (ref *refusal, err error) {
			samples, ref, err = c.qaSamples(r)
			return ref, err
		},
		func() (*refusal, error) { return into(&card)(c.client.GetQAScorecard(r.Context())) },
		func() (*refusal, error) {
			limit, done := qaScoredShown, apiclient.ListQAQueueParamsStatusScored
			return into(&scored)(c.client.ListQAQueue(r.Context(), &apiclient.ListQAQueueParams{Status: &done, Limit: &limit}))
		},
	} {
		if pageRef, err := get(); c.refusedPage(w, r, "qa", pageRef, err) {
			return
		}
	}
	if input == nil {
		input = map[string]string{}
	}
	c.render(w, r, status, "qa", map[string]any{
		"Samples": samples.Items, "Card": card, "Scored": scored.Items,
		"Form": form, "Refusal": ref, "Input": input,
	})
}

// qaGroup is a dimension of the scorecard with its criteria and the points they
// are worth, as the scoring form shows them; a card without dimensions is one group
// without a name.
type qaGroup struct {
	Dimension string
	Points    int
	Criteria  []apiclient.QACriterion
}

// qaGroups groups criteria by dimension, in the order each first appears.
func qaGroups(criteria []apiclient.QACriterion) []qaGroup {
	var out []qaGroup
	for _, k := range criteria {
		d := ""
		if k.Dimension != nil {
			d = *k.Dimension
		}
		i := slices.IndexFunc(out, func(g qaGroup) bool { return g.Dimension == d })
		if i < 0 {
			out = append(out, qaGroup{Dimension: d})
			i = len(out) - 1
		}
		out[i].Points += k.Points
		out[i].Criteria = append(out[i].Criteria, k)
	}
	return out
}

// scoreQA sends a sample's scoring form: a point field per criterion of the
// scorecard ("scores.<key>") and a note; what is typed goes as typed for the API
// to judge, as every number field of the console does (number): "4.5" is a number
// the API names as not whole, "abc" text it names as no number, each at its field.
func (c *Console) scoreQA(w http.ResponseWriter, r *http.Request) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such sample", http.StatusNotFound)
		return
	}
	var card apiclient.QAScorecard
	ref, err := into(&card)(c.client.GetQAScorecard(r.Context()))
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	fields := []string{"note"}
	for _, k := range card.Criteria {
		fields = append(fields, "scores."+k.Key)
	}
	input := formInput(r, fields...)
	body := map[string]any{"scores": qaScores(card, input)}
	if input["note"] != "" {
		body["note"] = input["note"]
	}
	res, err := c.client.ScoreQASampleWithBody(r.Context(), id, "application/json", jsonBody(body))
	c.posted(w, r, res, err, "/console/qa", func(status int, ref *refusal) {
		c.showQA(w, r, status, id.String(), ref, input)
	})
}

// qaScores is the scores of a scoring form's input for the API: each criterion's
// points as typed (number), a criterion left empty left out for the API to name.
func qaScores(card apiclient.QAScorecard, input map[string]string) map[string]any {
	scores := map[string]any{}
	for _, k := range card.Criteria {
		number(scores, k.Key, input["scores."+k.Key])
	}
	return scores
}
