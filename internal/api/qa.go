package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Quality inspection (002 §3.4, §10.1): the QA queue a qa_sampling schedule fills
// with a share of each agent's closed complaints, its scoring on the scorecard,
// and the scorecard itself.
func (s *Server) registerQARoutes(mux *serveMux) {
	readers := []auth.Role{auth.RoleQuality, auth.RoleManager, auth.RoleAdmin}
	writers := []auth.Role{auth.RoleQuality, auth.RoleAdmin}
	mux.Handle("GET /v1/qa-scorecard", s.authorize(s.getQAScorecard, readers...))
	mux.Handle("PUT /v1/qa-scorecard", s.authorize(s.putQAScorecard, writers...))
	mux.Handle("GET /v1/qa-queue", s.authorize(s.listQAQueue, readers...))
	mux.Handle("GET /v1/qa-queue/{id}", s.authorize(s.getQASample, readers...))
	mux.Handle("POST /v1/qa-queue/{id}/score", s.authorize(s.scoreQASample, writers...))
}

type qaScorecardView struct {
	Criteria  []quality.QACriterion `json:"criteria"`
	SamplePct int                   `json:"sample_pct"`
	UpdatedAt *time.Time            `json:"updated_at"`
	UpdatedBy *string               `json:"updated_by"`
}

func (s *Server) getQAScorecard(w http.ResponseWriter, r *http.Request) {
	sc, at, by, err := s.store.QAScorecard(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(null.Value(at)))
	writeJSON(w, http.StatusOK, qaScorecardView{Criteria: sc.Criteria, SamplePct: sc.SamplePct, UpdatedAt: utc(at), UpdatedBy: null.IfEmpty(by)})
}

type qaScorecardBody struct {
	Criteria  []quality.QACriterion `json:"criteria"`
	SamplePct *int                  `json:"sample_pct"`
}

// putQAScorecard changes the scorecard: the criteria, replaced whole (they must add
// up to 100 points), and the sample share; either left out keeps its value.
// Samples scored before keep theirs.
func (s *Server) putQAScorecard(w http.ResponseWriter, r *http.Request) {
	var body qaScorecardBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	ifMatch := ifMatchTime(r, &v)
	for i := range body.Criteria {
		body.Criteria[i].Name = strings.TrimSpace(body.Criteria[i].Name)
	}
	for tries := 1; ; tries++ { // a read-merge-write (retryMerge): sample_pct may be kept
		current, at, _, err := s.store.QAScorecard(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		version := mergedAgainst(ifMatch, null.Value(at))
		sc := current
		if body.Criteria != nil {
			sc.Criteria = body.Criteria
		}
		if body.SamplePct != nil {
			sc.SamplePct = *body.SamplePct
		}
		for _, p := range quality.CheckQAScorecard(sc) {
			v.reject(p.Field, qaCode(p.Detail), p.Detail)
		}
		if p := v.problem(); p != nil {
			writeProblem(w, r, p)
			return
		}
		saved, err := s.store.PutQAScorecard(r.Context(), sc, principalFrom(r.Context()).Actor(), version)
		switch {
		case retryMerge(err, ifMatch, tries):
			continue
		case errors.Is(err, store.ErrStale):
			writeStale(w, r, "the QA scorecard", *version, saved.By, saved.At, "")
		case err != nil:
			s.serverError(w, r, err)
		default:
			w.Header().Set("ETag", TimeETag(saved.At))
			writeJSON(w, http.StatusOK, qaScorecardView{Criteria: sc.Criteria, SamplePct: sc.SamplePct,
				UpdatedAt: utc(&saved.At), UpdatedBy: null.IfEmpty(saved.By)})
		}
		return
	}
}

type qaSampleView struct {
	ID          string                `json:"id"`
	ComplaintID string                `json:"complaint_id"`
	Agent       string                `json:"agent"`
	ClosedAt    time.Time             `json:"closed_at"`
	RunID       string                `json:"run_id"`
	PeriodFrom  time.Time             `json:"period_from"`
	PeriodTo    time.Time             `json:"period_to"`
	SampledAt   time.Time             `json:"sampled_at"`
	Scores      map[string]int        `json:"scores"`
	Criteria    []quality.QACriterion `json:"criteria"`
	Dimensions  []quality.QADimension `json:"dimensions"`
	Total       *int                  `json:"total"`
	Note        *string               `json:"note"`
	ScoredBy    *string               `json:"scored_by"`
	ScoredAt    *time.Time            `json:"scored_at"`
}

func qaSampleViewOf(q quality.QASample) qaSampleView {
	v := qaSampleView{
		ID: q.ID, ComplaintID: q.ComplaintID, Agent: q.Agent, ClosedAt: q.ClosedAt.UTC(), RunID: q.RunID,
		PeriodFrom: q.PeriodFrom.UTC(), PeriodTo: q.PeriodTo.UTC(), SampledAt: q.SampledAt.UTC(),
		Total: q.Total, Note: q.Note, ScoredBy: q.ScoredBy, ScoredAt: utc(q.ScoredAt),
	}
	if q.Scores != nil {
		_ = json.Unmarshal([]byte(*q.Scores), &v.Scores) // written by ScoreQASample
	}
	if q.Criteria != nil {
		_ = json.Unmarshal([]byte(*q.Criteria), &v.Criteria)
	}
	v.Dimensions = quality.QADimensionScores(v.Criteria, v.Scores)
	return v
}

func (s *Server) listQAQueue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	var f store.QASampleFilter
	f.Limit, f.AfterAt, f.AfterID = page(&v, q)
	asCSV := csvAsked(r, &v)
	switch st := q.Get("status"); st {
	case "":
	case "pending", "scored":
		scored := st == "scored"
		f.Scored = &scored
	default:
		v.reject("status", FieldNotAllowed, "must be pending or scored")
	}
	f.Agent = q.Get("agent")
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	qs, err := s.store.QASamples(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// A listing of scored samples is by scoring time, the last scored first.
	key := func(q quality.QASample) (time.Time, string) { return q.SampledAt, q.ID }
	if f.Scored != nil && *f.Scored {
		key = func(q quality.QASample) (time.Time, string) { return *q.ScoredAt, q.ID }
	}
	if asCSV {
		s.writeQAScoresCSV(w, r, qs, nextCursor(qs, f.Limit, key))
		return
	}
	writePage(w, qs, f.Limit, qaSampleViewOf, key)
}

// writeQAScoresCSV answers a page of the QA queue as CSV, one sample a row, its
// points per criterion in one cell in the scorecard's order it was scored on
// ("response_speed=15; resolution=30; …"). The next page is the Link header's
// rel="next" (RFC 8288), the same query with the cursor.
func (s *Server) writeQAScoresCSV(w http.ResponseWriter, r *http.Request, qs []quality.QASample, next *string) {
	if next != nil {
		u := *r.URL
		q := u.Query()
		q.Set("cursor", *next)
		u.RawQuery = q.Encode()
		w.Header().Set("Link", "<"+u.RequestURI()+`>; rel="next"`)
	}
	rows := [][]string{{"id", "complaint_id", "agent", "closed_at", "sampled_at", "scored_at", "scored_by", "total", "scores", "note"}}
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano) // as the JSON has it
	}
	for _, q := range qs {
		v := qaSampleViewOf(q)
		var total string
		if v.Total != nil {
			total = strconv.Itoa(*v.Total)
		}
		points := make([]string, 0, len(v.Criteria))
		for _, c := range v.Criteria {
			points = append(points, fmt.Sprintf("%s=%d", c.Key, v.Scores[c.Key]))
		}
		rows = append(rows, []string{v.ID, v.ComplaintID, csvText(v.Agent), at(&v.ClosedAt), at(&v.SampledAt), at(v.ScoredAt),
			csvText(deref(v.ScoredBy)), total, strings.Join(points, "; "), csvText(deref(v.Note))})
	}
	s.writeCSV(w, r, "qa-scores.csv", rows)
}

func (s *Server) getQASample(w http.ResponseWriter, r *http.Request) {
	q, ok := fromPath(s, w, r, "QA sample", true, s.store.QASample)
	if ok {
		writeJSON(w, http.StatusOK, qaSampleViewOf(q))
	}
}

type qaScoreBody struct {
	Scores map[string]int `json:"scores"`
	Note   string         `json:"note"`
}

// scoreQASample scores a sample on the scorecard in force: every criterion, from 0
// to its points (400 naming each bad one); once (409 when already scored).
func (s *Server) scoreQASample(w http.ResponseWriter, r *http.Request) {
	q, ok := fromPath(s, w, r, "QA sample", true, s.store.QASample)
	if !ok {
		return
	}
	var body qaScoreBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	sc, _, _, err := s.store.QAScorecard(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if body.Scores == nil {
		v.reject("scores", FieldRequired, "is required: points per criterion of the scorecard")
	}
	total, problems := quality.CheckQAScores(sc, body.Scores)
	for _, p := range problems {
		if body.Scores != nil {
			v.reject(p.Field, qaCode(p.Detail), p.Detail)
		}
	}
	v.optional("note", body.Note, 2000)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	if q.ScoredAt != nil {
		writeProblem(w, r, problem(http.StatusConflict, "the sample is already scored"))
		return
	}
	q, err = s.store.ScoreQASample(r.Context(), q.ID, sc.Criteria, body.Scores, total,
		null.IfEmpty(strings.TrimSpace(body.Note)), principalFrom(r.Context()).Actor(), time.Now().UTC())
	switch {
	case errors.Is(err, store.ErrConflict):
		writeProblem(w, r, problem(http.StatusConflict, "the sample is already scored"))
	case err != nil:
		s.serverError(w, r, err)
	default:
		writeJSON(w, http.StatusOK, qaSampleViewOf(q))
	}
}

// qaCode is the field code of a scorecard or score problem.
func qaCode(detail string) string {
	switch {
	case strings.HasPrefix(detail, "must be from"), strings.HasPrefix(detail, "must be at least"),
		strings.HasPrefix(detail, "points add up"), strings.HasPrefix(detail, "must hold"),
		strings.HasPrefix(detail, "dimension ") && strings.Contains(detail, " must hold "): // a dimension's size
		return FieldOutOfRange
	case strings.HasPrefix(detail, "is not a criterion"):
		return FieldUnknown
	case strings.HasPrefix(detail, "is named twice"):
		return FieldConflict
	case strings.HasPrefix(detail, "must be snake_case"):
		return FieldInvalidFormat
	}
	return codeOfReason(detail)
}
