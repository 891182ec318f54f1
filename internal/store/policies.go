package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/calendar"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
)

// Policy is the SLA for one urgency × customer-tier cell, with its escalation ladder.
// Source is complaint.Any for the matrix; a source policy names its source and may
// leave Urgency or Tier complaint.Any (precedence: complaint.PickPolicy).
type Policy struct {
	Source                string                  `db:"source"`
	Urgency               complaint.Level         `db:"urgency"`
	Tier                  complaint.Level         `db:"tier"`
	FirstResponseSeconds  int64                   `db:"first_response_seconds"`
	ResolutionSeconds     *int64                  `db:"resolution_seconds"`
	WarningPercents       []int                   `db:"-"`
	EscalationLevels      []complaint.LadderLevel `db:"-"`
	FollowUpSeconds       int64                   `db:"follow_up_seconds"`
	DecisionSeconds       int64                   `db:"decision_seconds"`
	MaxExtensionSeconds   int64                   `db:"max_extension_seconds"`
	AutoEscalateAngry     bool                    `db:"auto_escalate_angry"`
	AutoEscalateHighTier  bool                    `db:"auto_escalate_high_tier"`
	CalendarID            *string                 `db:"calendar_id"`
	SurveyReminderSeconds int64                   `db:"survey_reminder_seconds"`
	SurveyTimeoutSeconds  int64                   `db:"survey_timeout_seconds"`
	UpdatedAt             time.Time               `db:"updated_at"`
	UpdatedBy             string                  `db:"updated_by"`
}

// policyColumns reads a whole policy row; warning_percents and escalation_levels
// need conversion (see policyRow).
const policyColumns = `p.source, p.urgency, p.tier, p.first_response_seconds, p.resolution_seconds, p.warning_percents,
	p.escalation_levels, p.follow_up_seconds, p.decision_seconds, p.max_extension_seconds, p.auto_escalate_angry,
	p.auto_escalate_high_tier, p.calendar_id, p.survey_reminder_seconds, p.survey_timeout_seconds,
	p.updated_at, p.updated_by`

// policySnapshotColumns adds the calendar's definition, for snapshots.
const policySnapshotColumns = policyColumns + `, cal.spec AS calendar_spec`

type policyRow struct {
	Policy
	Warnings     pq.Int64Array `db:"warning_percents"`
	Levels       []byte        `db:"escalation_levels"`
	CalendarSpec []byte        `db:"calendar_spec"`
}

func (r policyRow) policy() (Policy, error) {
	p := r.Policy
	p.WarningPercents = make([]int, len(r.Warnings))
	for i, w := range r.Warnings {
		p.WarningPercents[i] = int(w)
	}
	if err := json.Unmarshal(r.Levels, &p.EscalationLevels); err != nil {
		return p, fmt.Errorf("decode escalation levels: %w", err)
	}
	return p, nil
}

// snapshot is the policy as a complaint keeps it.
func (r policyRow) snapshot() (complaint.Policy, error) {
	p, err := r.policy()
	if err != nil {
		return complaint.Policy{}, err
	}
	out := complaint.Policy{
		FirstResponseSeconds: p.FirstResponseSeconds, WarningPercents: p.WarningPercents,
		EscalationLevels: p.EscalationLevels, FollowUpSeconds: p.FollowUpSeconds, DecisionSeconds: p.DecisionSeconds,
		MaxExtensionSeconds: p.MaxExtensionSeconds, AutoEscalateAngry: p.AutoEscalateAngry,
		AutoEscalateHighTier: p.AutoEscalateHighTier, CalendarID: null.Value(p.CalendarID),
		SurveyReminderSeconds: p.SurveyReminderSeconds, SurveyTimeoutSeconds: p.SurveyTimeoutSeconds,
	}
	if p.ResolutionSeconds != nil {
		r := *p.ResolutionSeconds
		out.ResolutionSeconds = &r
	}
	if len(r.CalendarSpec) > 0 {
		out.Calendar = &calendar.Spec{}
		if err := json.Unmarshal(r.CalendarSpec, out.Calendar); err != nil {
			return out, fmt.Errorf("decode calendar %s: %w", null.Value(p.CalendarID), err)
		}
	}
	return out, nil
}

// compileCalendar compiles a snapshotted calendar; nil means around the clock.
func compileCalendar(spec *calendar.Spec) (*calendar.Calendar, error) {
	if spec == nil {
		return nil, nil
	}
	cal, err := calendar.Compile(*spec)
	if err != nil {
		return nil, fmt.Errorf("compile calendar: %w", err)
	}
	return cal, nil
}

const policyOrder = ` ORDER BY p.source, array_position(ARRAY['high','medium','low','*'], p.urgency),
	array_position(ARRAY['high','medium','low','*'], p.tier)`

// Policies lists the whole matrix.
func (s *Store) Policies(ctx context.Context) ([]Policy, error) {
	return s.listPolicies(ctx, `p.source = '*'`)
}

// SourcePolicies lists the policies of sources, by source.
func (s *Store) SourcePolicies(ctx context.Context) ([]Policy, error) {
	return s.listPolicies(ctx, `p.source <> '*'`)
}

func (s *Store) listPolicies(ctx context.Context, where string) ([]Policy, error) {
	var rows []policyRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+policyColumns+` FROM sla_policies p WHERE `+where+policyOrder); err != nil {
		return nil, fmt.Errorf("list policies: %w", err)
	}
	ps := make([]Policy, len(rows))
	for i, r := range rows {
		var err error
		if ps[i], err = r.policy(); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// Policy reads one cell of the matrix.
func (s *Store) Policy(ctx context.Context, urgency, tier complaint.Level) (Policy, error) {
	return s.SourcePolicy(ctx, complaint.PolicyKey{Source: complaint.Any, Urgency: string(urgency), Tier: string(tier)})
}

// SourcePolicy reads the policy of one key (a matrix cell has Source complaint.Any).
func (s *Store) SourcePolicy(ctx context.Context, k complaint.PolicyKey) (Policy, error) {
	var r policyRow
	err := s.db.GetContext(ctx, &r, `SELECT `+policyColumns+` FROM sla_policies p
		WHERE p.source = $1 AND p.urgency = $2 AND p.tier = $3`, k.Source, k.Urgency, k.Tier)
	if errors.Is(err, sql.ErrNoRows) {
		return Policy{}, ErrNotFound
	}
	if err != nil {
		return Policy{}, fmt.Errorf("read policy: %w", err)
	}
	return r.policy()
}

// PolicySnapshot reads one cell as a complaint would snapshot it, calendar included.
func (s *Store) PolicySnapshot(ctx context.Context, urgency, tier complaint.Level) (complaint.Policy, error) {
	var r policyRow
	err := s.db.GetContext(ctx, &r, `SELECT `+policySnapshotColumns+` FROM sla_policies p
		LEFT JOIN calendars cal ON cal.id = p.calendar_id WHERE p.source = '*' AND p.urgency = $1 AND p.tier = $2`, urgency, tier)
	if errors.Is(err, sql.ErrNoRows) {
		return complaint.Policy{}, ErrNotFound
	}
	if err != nil {
		return complaint.Policy{}, fmt.Errorf("read policy: %w", err)
	}
	return r.snapshot()
}

// ComplaintPolicySnapshot reads the policy complaint complaintID takes at urgency ×
// tier, as a complaint would snapshot it, calendar included: of the policies of the
// complaint's source and the matrix's cell, the one complaint.PickPolicy picks —
// the precedence of intake (intakeFor), so a source policy outranks the matrix when
// a manager raises the urgency too. ErrNotFound when no policy matches, or there is
// no such complaint.
func (s *Store) ComplaintPolicySnapshot(ctx context.Context, complaintID string, urgency, tier complaint.Level) (complaint.Policy, error) {
	const q = `SELECT ` + policySnapshotColumns + `, c.source AS complaint_source
		FROM complaints c
		JOIN sla_policies p ON p.source IN (c.source, '*') AND p.urgency IN ($2, '*') AND p.tier IN ($3, '*')
		LEFT JOIN calendars cal ON cal.id = p.calendar_id
		WHERE c.id = $1`
	var rows []struct {
		policyRow
		ComplaintSource string `db:"complaint_source"`
	}
	if err := s.db.SelectContext(ctx, &rows, q, complaintID, urgency, tier); err != nil {
		return complaint.Policy{}, fmt.Errorf("read policies of complaint %s: %w", complaintID, err)
	}
	if len(rows) == 0 {
		return complaint.Policy{}, ErrNotFound
	}
	policies := make([]policyRow, len(rows))
	for i, r := range rows {
		policies[i] = r.policyRow
	}
	return pickSnapshot(policies, complaint.PolicyKey{Source: rows[0].ComplaintSource, Urgency: string(urgency), Tier: string(tier)})
}

// pickSnapshot is the snapshot of the policy of rows that complaint.PickPolicy picks
// for want — intake's precedence, written once — or ErrNotFound when none matches.
// It names the policy picked (Key): a reopened round records which one it runs on.
func pickSnapshot(rows []policyRow, want complaint.PolicyKey) (complaint.Policy, error) {
	keys := make([]complaint.PolicyKey, len(rows))
	for i, r := range rows {
		keys[i] = complaint.PolicyKey{Source: r.Source, Urgency: string(r.Urgency), Tier: string(r.Tier)}
	}
	i, _ := complaint.PickPolicy(want, keys)
	if i < 0 {
		return complaint.Policy{}, ErrNotFound
	}
	p, err := rows[i].snapshot()
	p.Key = &keys[i]
	return p, err
}

// SourcePolicySnapshot reads the policy source has for urgency × tier, as a
// complaint would snapshot it, calendar included: of that source's own policies,
// the one complaint.PickPolicy picks — the matrix is not among them. A complaint
// reopened by the customer's dissatisfied survey answer takes its first response
// from the negative_feedback policy (activities.LoadSourcePolicy). ErrNotFound when
// the source has no policy that matches.
func (s *Store) SourcePolicySnapshot(ctx context.Context, source complaint.Source, urgency, tier complaint.Level) (complaint.Policy, error) {
	const q = `SELECT ` + policySnapshotColumns + ` FROM sla_policies p
		LEFT JOIN calendars cal ON cal.id = p.calendar_id
		WHERE p.source = $1 AND p.urgency IN ($2, '*') AND p.tier IN ($3, '*')`
	var rows []policyRow
	if err := s.db.SelectContext(ctx, &rows, q, source, urgency, tier); err != nil {
		return complaint.Policy{}, fmt.Errorf("read policies of source %s: %w", source, err)
	}
	return pickSnapshot(rows, complaint.PolicyKey{Source: string(source), Urgency: string(urgency), Tier: string(tier)})
}

// PutPolicy creates or replaces one cell. Complaints already filed keep the SLA they
// were filed under; only later complaints see the change. A calendar_id that names
// no calendar is ErrNotFound. With a version (see ErrStale) the write is made only
// if the policy is still that version — checked by the write itself, so no change
// slips between — else ErrStale and the policy as it is (zero when there is none).
func (s *Store) PutPolicy(ctx context.Context, p Policy, version *time.Time) (Policy, error) {
	levels, err := json.Marshal(p.EscalationLevels)
	if err != nil {
		return p, fmt.Errorf("encode escalation levels: %w", err)
	}
	warnings := make(pq.Int64Array, len(p.WarningPercents))
	for i, w := range p.WarningPercents {
		warnings[i] = int64(w)
	}
	const q = `INSERT INTO sla_policies AS p (source, urgency, tier, first_response_seconds, resolution_seconds,
			warning_percents, escalation_levels, follow_up_seconds, decision_seconds, max_extension_seconds,
			auto_escalate_angry, auto_escalate_high_tier, calendar_id, survey_reminder_seconds,
			survey_timeout_seconds, updated_at, updated_by)
		SELECT $16, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $14, $15, now(), $13
		-- A version names a policy that exists: none, or the conflict's check below.
		WHERE $17::timestamptz IS NULL OR $17 = '0001-01-01T00:00:00Z' OR EXISTS (
			SELECT FROM sla_policies WHERE source = $16 AND urgency = $1 AND tier = $2)
		ON CONFLICT (source, urgency, tier) DO UPDATE SET
			first_response_seconds = EXCLUDED.first_response_seconds,
			resolution_seconds = EXCLUDED.resolution_seconds,
			warning_percents = EXCLUDED.warning_percents,
			escalation_levels = EXCLUDED.escalation_levels,
			follow_up_seconds = EXCLUDED.follow_up_seconds,
			decision_seconds = EXCLUDED.decision_seconds,
			max_extension_seconds = EXCLUDED.max_extension_seconds,
			auto_escalate_angry = EXCLUDED.auto_escalate_angry,
			auto_escalate_high_tier = EXCLUDED.auto_escalate_high_tier,
			calendar_id = EXCLUDED.calendar_id,
			survey_reminder_seconds = EXCLUDED.survey_reminder_seconds,
			survey_timeout_seconds = EXCLUDED.survey_timeout_seconds,
			updated_at = EXCLUDED.updated_at,
			updated_by = EXCLUDED.updated_by
		WHERE $17::timestamptz IS NULL OR p.updated_at = $17
		RETURNING ` + policyColumns
	var r policyRow
	err = s.db.GetContext(ctx, &r, q, p.Urgency, p.Tier, p.FirstResponseSeconds, p.ResolutionSeconds,
		warnings, string(levels), p.FollowUpSeconds, p.DecisionSeconds, p.MaxExtensionSeconds,
		p.AutoEscalateAngry, p.AutoEscalateHighTier, p.CalendarID, p.UpdatedBy,
		p.SurveyReminderSeconds, p.SurveyTimeoutSeconds, cmp.Or(p.Source, complaint.Any), version)
	if errors.Is(err, sql.ErrNoRows) { // only a version can keep the row from being written
		now, err := s.SourcePolicy(ctx, complaint.PolicyKey{Source: cmp.Or(p.Source, complaint.Any), Urgency: string(p.Urgency), Tier: string(p.Tier)})
		if err != nil && !errors.Is(err, ErrNotFound) {
			return p, err
		}
		return now, ErrStale
	}
	if isForeignKeyViolation(err) {
		return p, fmt.Errorf("no calendar %q: %w", null.Value(p.CalendarID), ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("put policy: %w", err)
	}
	return r.policy()
}

// DeleteSourcePolicy removes a source's policy; its complaints then fall back to a
// wider policy of the source or to the matrix. ErrNotFound when there is none; the
// matrix itself cannot be deleted (ErrNotFound too). With a version, only if the
// policy is still that version (ErrStale otherwise).
func (s *Store) DeleteSourcePolicy(ctx context.Context, k complaint.PolicyKey, version *time.Time) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sla_policies
		WHERE source <> '*' AND source = $1 AND urgency = $2 AND tier = $3
		AND ($4::timestamptz IS NULL OR updated_at = $4)`, k.Source, k.Urgency, k.Tier, version)
	if err != nil {
		return fmt.Errorf("delete policy %s: %w", k.ID(), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return goneOrStale(version, func() error {
			if k.Source == complaint.Any {
				return ErrNotFound
			}
			_, err := s.SourcePolicy(ctx, k)
			return err
		})
	}
	return nil
}
