package api

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Source policies: an SLA policy chosen by where a complaint came from, e.g. 15 min
// / 24 h for negative touch-point feedback (001 "实时反馈机制"). Precedence over the
// urgency × tier matrix is complaint.PickPolicy's (docs/policies.md).

func (s *Server) listSourcePolicies(w http.ResponseWriter, r *http.Request) {
	ps, err := s.store.SourcePolicies(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, ps, policyViewOf)
}

// sourcePolicyKey reads and checks the key in the path: a source, and an urgency
// and a tier that may each be "*" (any).
func sourcePolicyKey(v *validator, r *http.Request) complaint.PolicyKey {
	k := complaint.PolicyKey{Source: r.PathValue("source"), Urgency: r.PathValue("urgency"), Tier: r.PathValue("tier")}
	sources := make([]string, len(complaint.Sources))
	for i, src := range complaint.Sources {
		sources[i] = string(src)
	}
	levels := append(slices.Clone(levelNames), complaint.Any)
	v.oneOf("source", k.Source, sources)
	v.oneOf("urgency", k.Urgency, levels)
	v.oneOf("tier", k.Tier, levels)
	return k
}

// putSourcePolicy creates or replaces a source policy, validated as a matrix cell
// is. Fields left out keep their value, or for a new policy start from the matrix
// cell it narrows (medium for an urgency or tier of "*").
func (s *Server) putSourcePolicy(w http.ResponseWriter, r *http.Request) {
	var v validator
	key := sourcePolicyKey(&v, r)
	named := len(v.errs) == 0 // else named in the same 400 as the body's bad fields
	var body putPolicyBody
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	p, created, ok := s.writePolicy(w, r, "source policy "+key.ID(), &v, &body, func() (store.Policy, bool, error) {
		if !named {
			return s.unnamedPolicy(r)
		}
		current, err := s.store.SourcePolicy(r.Context(), key)
		created := errors.Is(err, store.ErrNotFound)
		if created {
			cell := func(l string) complaint.Level {
				if l == complaint.Any {
					return complaint.Medium
				}
				return complaint.Level(l)
			}
			current, err = s.store.Policy(r.Context(), cell(key.Urgency), cell(key.Tier))
		}
		current.Source, current.Urgency, current.Tier = key.Source, complaint.Level(key.Urgency), complaint.Level(key.Tier)
		return current, created, err
	})
	if !ok {
		return
	}
	s.log.InfoContext(r.Context(), "source SLA policy changed", "policy", key.ID(), "by", p.UpdatedBy)
	w.Header().Set("ETag", TimeETag(p.UpdatedAt))
	writePut(w, r, created, policyViewOf(p))
}

func (s *Server) deleteSourcePolicy(w http.ResponseWriter, r *http.Request) {
	var v validator
	key := sourcePolicyKey(&v, r)
	if len(v.errs) > 0 {
		ifMatchTime(r, &v) // a bad If-Match is named with the path's problems
		writeProblem(w, r, v.problem())
		return
	}
	answered, err := deleteAt(w, r, "source policy "+key.ID(), func(version *time.Time) error {
		return s.store.DeleteSourcePolicy(r.Context(), key, version)
	}, func() (string, time.Time, error) {
		p, err := s.store.SourcePolicy(r.Context(), key)
		return p.UpdatedBy, p.UpdatedAt, err
	})
	if answered {
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no source policy "+key.ID()))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "source SLA policy deleted", "policy", key.ID(), "by", principalFrom(r.Context()).Actor())
	w.WriteHeader(http.StatusNoContent)
}
