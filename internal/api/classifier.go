package api

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The classifier cache: intake classifies every feedback and complaint with the
// rules in PostgreSQL, compiled once and reloaded when stale.

// rulesTTL bounds how long another API process keeps using a rule set an admin
// replaced; the process that took the PUT switches at once.
const rulesTTL = 30 * time.Second

type loadedRules struct {
	c     *classify.Classifier
	until time.Time
}

type ruleCache struct {
	reload sync.Mutex
	cur    atomic.Pointer[loadedRules]
}

// classifier returns the current rule set, reloading it from PostgreSQL when it is
// older than rulesTTL. Intake calls it on every request: the fast path is two atomic
// loads. While one request reloads, the others keep using the previous set.
func (s *Server) classifier(ctx context.Context) (*classify.Classifier, error) {
	rc := &s.rules
	cur := rc.cur.Load()
	if cur != nil && time.Now().Before(cur.until) {
		return cur.c, nil
	}
	if cur != nil {
		if !rc.reload.TryLock() {
			return cur.c, nil
		}
	} else {
		rc.reload.Lock()
	}
	defer rc.reload.Unlock()
	if cur = rc.cur.Load(); cur != nil && time.Now().Before(cur.until) {
		return cur.c, nil
	}
	rows, err := s.store.ClassificationRules(ctx)
	if err != nil {
		if cur != nil {
			s.log.WarnContext(ctx, "reloading classification rules failed; keeping the previous set", "error", err)
			return cur.c, nil
		}
		return nil, err
	}
	return s.useRules(ctx, rows), nil
}

// useRules compiles rows and makes them the current set. A stored rule that no
// longer passes the checks (written past the API) is skipped, not fatal to intake.
func (s *Server) useRules(ctx context.Context, rows []store.ClassificationRule) *classify.Classifier {
	var rules []classify.Rule
	for _, row := range rows {
		r := ruleOf(row)
		if errs := r.Check(); len(errs) > 0 {
			s.log.WarnContext(ctx, "skipping an invalid classification rule", "rule_id", row.ID, "problem", errs[0].Field+" "+errs[0].Detail)
			continue
		}
		rules = append(rules, r)
	}
	c, err := classify.New(rules)
	if err != nil { // cannot happen: every rule passed Check
		s.log.ErrorContext(ctx, "compiling classification rules failed", "error", err)
		c, _ = classify.New(nil)
	}
	s.rules.cur.Store(&loadedRules{c: c, until: time.Now().Add(rulesTTL)})
	return c
}

func ruleOf(row store.ClassificationRule) classify.Rule {
	return classify.Rule{Dimension: classify.Dimension(row.Dimension), Value: row.Value, Keywords: row.Keywords, Priority: row.Priority}
}
