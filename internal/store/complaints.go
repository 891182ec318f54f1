package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
)

// Complaint is a row of the complaints table: the current state of one complaint.
type Complaint struct {
	ID                      string           `db:"id"`
	ExternalID              string           `db:"external_id"`
	RequestHash             string           `db:"request_hash"`
	WorkflowID              string           `db:"workflow_id"`
	Channel                 string           `db:"channel"`
	CustomerID              string           `db:"customer_id"`
	CustomerName            string           `db:"customer_name"`
	CustomerTier            complaint.Level  `db:"customer_tier"`
	CustomerPhone           *string          `db:"customer_phone"`
	CustomerEmail           *string          `db:"customer_email"`
	CustomerAddress         *string          `db:"customer_address"`
	CustomerLocale          string           `db:"customer_locale"`
	Category                string           `db:"category"`
	Urgency                 complaint.Level  `db:"urgency"`
	Subject                 string           `db:"subject"`
	Description             string           `db:"description"`
	Status                  complaint.Status `db:"status"`
	Owner                   *string          `db:"owner"`
	SLAFirstResponseSeconds int64            `db:"sla_first_response_seconds"`
	SLAResolutionSeconds    *int64           `db:"sla_resolution_seconds"`
	CreatedAt               time.Time        `db:"created_at"`
	UpdatedAt               time.Time        `db:"updated_at"`
	FirstResponseDueAt      time.Time        `db:"first_response_due_at"`
	FirstResponseAt         *time.Time       `db:"first_response_at"`
	FirstResponseBreached   bool             `db:"first_response_breached"`
	ResolutionDueAt         *time.Time       `db:"resolution_due_at"`
	ResolvedAt              *time.Time       `db:"resolved_at"`
	ResolutionBreached      bool             `db:"resolution_breached"`
	ResolutionSummary       *string          `db:"resolution_summary"`
	RootCause               *string          `db:"root_cause"`
	ClosedAt                *time.Time       `db:"closed_at"`
	Sentiment               *string          `db:"sentiment"`
	TeamID                  *string          `db:"team_id"`
	PausedAt                *time.Time       `db:"paused_at"`
	PausedSeconds           float64          `db:"paused_seconds"`
	ReopenedCount           int              `db:"reopened_count"`
	EscalationLevel         int              `db:"escalation_level"`
	ExtendedSeconds         int64            `db:"extended_seconds"`
	Verification            *string          `db:"verification"`
	Scope                   string           `db:"scope"`
	Keywords                pq.StringArray   `db:"keywords"`
	IntegrationID           *string          `db:"integration_id"` // the intake integration it was filed through
	FiledBy                 *string          `db:"filed_by"`       // the ID of the token that filed it
	Source                  complaint.Source `db:"source"`
	// The policy applied at filing and why; nil for complaints filed before.
	PolicySource  *string `db:"policy_source"`
	PolicyUrgency *string `db:"policy_urgency"`
	PolicyTier    *string `db:"policy_tier"`
	PolicyReason  *string `db:"policy_reason"`
	// Why the customer was taken as angry at intake, and the urgency asked for when
	// that raised it; nil when not.
	AngerReason       *string `db:"anger_reason"`
	UrgencyRaisedFrom *string `db:"urgency_raised_from"`
	// NextDueAt is the nearest open SLA deadline (complaintNextDue), read by the
	// listings only; nil there when no clock runs.
	NextDueAt *time.Time `db:"next_due_at"`
	// FirstResponseRunning: the clock FirstResponseDueAt names runs — the
	// complaint's first response is not given, or a round the customer's
	// dissatisfied answer reopened awaits its own (firstResponseRuns).
	FirstResponseRunning bool `db:"first_response_running"`
	// SLAWarningPercents are the warnings of the policy snapshotted at filing: the
	// shares of a clock's budget, ascending, at which the workflow warns.
	SLAWarningPercents pq.Int64Array `db:"sla_warning_percents"`
	// WaitSeconds is how long the customer queued before reaching a person, as
	// filed (complaint.Waits); nil when not given.
	WaitSeconds *int64 `db:"wait_seconds"`
	// RoundSLA is the SLA of a round the customer's dissatisfied answer reopened.
	RoundSLA
}

const complaintColumns = `id, external_id, request_hash, workflow_id, channel, customer_id, customer_name,
	customer_tier, customer_phone, customer_email, customer_address, category, urgency, subject, description,
	status, owner, sla_first_response_seconds, sla_resolution_seconds, created_at, updated_at,
	first_response_due_at, first_response_at, first_response_breached, resolution_due_at, resolved_at,
	resolution_breached, resolution_summary, root_cause, closed_at, sentiment, team_id, paused_at,
	paused_seconds, reopened_count, escalation_level, extended_seconds, verification, scope, keywords, integration_id, filed_by,
	source, policy_source, policy_urgency, policy_tier, policy_reason, anger_reason, urgency_raised_from,
	customer_locale, wait_seconds, round_policy_id, round_first_response_seconds, round_resolution_seconds, ` + firstResponseRuns + ` AS first_response_running,
	ARRAY(SELECT CAST(jsonb_array_elements_text(sla_snapshot->'warning_percents') AS int)) AS sla_warning_percents`

// NewComplaint is what intake files. The store stamps the SLA from the policy in
// force at that moment.
type NewComplaint struct {
	ID              string          `db:"id"`
	ExternalID      string          `db:"external_id"`
	RequestHash     string          `db:"request_hash"`
	WorkflowID      string          `db:"workflow_id"`
	Channel         string          `db:"channel"`
	CustomerID      string          `db:"customer_id"`
	CustomerName    string          `db:"customer_name"`
	CustomerTier    complaint.Level `db:"customer_tier"`
	CustomerPhone   *string         `db:"customer_phone"`
	CustomerEmail   *string         `db:"customer_email"`
	CustomerAddress *string         `db:"customer_address"`
	// CustomerLocale is the language the customer is told in (internal/message).
	CustomerLocale string          `db:"customer_locale"`
	Category       string          `db:"category"`
	Urgency        complaint.Level `db:"urgency"`
	Subject        string          `db:"subject"`
	Description    string          `db:"description"`
	Sentiment      *string         `db:"sentiment"`
	// Keywords and Scope come from the text at intake (package classify), for the
	// heat map; empty means none and "individual".
	Keywords pq.StringArray `db:"keywords"`
	Scope    string         `db:"scope"`
	// IntegrationID is the intake integration of the filing token; a deleted one is
	// not recorded. It scopes ExternalID (intakeKey).
	IntegrationID *string `db:"integration_id"`
	// FiledBy is the ID of the filing token: it reads the personal data it supplied
	// in full (docs/privacy.md).
	FiledBy *string `db:"filed_by"`
	// Source selects a source policy (complaint.PickPolicy); empty is direct.
	Source complaint.Source `db:"source"`
	// AngerReason and UrgencyRaisedFrom record an angry customer's raise at intake:
	// Urgency is already the raised one.
	AngerReason       *string `db:"anger_reason"`
	UrgencyRaisedFrom *string `db:"urgency_raised_from"`
	// NextDueAt is the nearest open SLA deadline (complaintNextDue), read by the
	// listings only; nil there when no clock runs.
	NextDueAt *time.Time `db:"next_due_at"`
	// WaitSeconds is the customer's wait before reaching a person; nil for none.
	WaitSeconds *int64 `db:"wait_seconds"`
}

// CreateComplaint files a complaint once per external ID of its intake system
// (intakeKey). It returns the stored complaint and whether this call created it. A
// second call with the same key and request hash returns the first complaint; with
// a different hash it returns ErrConflict.
//
// The complaint keeps a snapshot of the policy (ladder, follow-up SLA, calendar) in
// force when it was filed, and is routed to a team and owner by category. Due times
// are computed on the policy's calendar with the same code the workflow runs.
func (s *Store) CreateComplaint(ctx context.Context, c NewComplaint) (Complaint, bool, error) {
	if c.Source == "" {
		c.Source = complaint.SourceDirect
	}
	in, err := s.intakeFor(ctx, c)
	if err != nil {
		return Complaint{}, false, err
	}
	cal, err := compileCalendar(in.policy.Calendar)
	if err != nil {
		return Complaint{}, false, err
	}
	snapshot, err := json.Marshal(in.policy)
	if err != nil {
		return Complaint{}, false, fmt.Errorf("encode policy snapshot: %w", err)
	}
	filedAt := time.Now().UTC().Truncate(time.Microsecond)
	args := struct {
		NewComplaint
		TeamID        *string    `db:"team_id"`
		Owner         *string    `db:"owner"`
		Snapshot      string     `db:"sla_snapshot"`
		FirstSeconds  int64      `db:"first_seconds"`
		ResSeconds    *int64     `db:"res_seconds"`
		CreatedAt     time.Time  `db:"created_at"`
		FirstDueAt    time.Time  `db:"first_due_at"`
		ResolutionDue *time.Time `db:"resolution_due_at"`
		PolicySource  string     `db:"policy_source"`
		PolicyUrgency string     `db:"policy_urgency"`
		PolicyTier    string     `db:"policy_tier"`
		PolicyReason  string     `db:"policy_reason"`
	}{NewComplaint: c, TeamID: in.team, Owner: in.owner, Snapshot: string(snapshot),
		PolicySource: in.key.Source, PolicyUrgency: in.key.Urgency, PolicyTier: in.key.Tier, PolicyReason: in.reason,
		FirstSeconds: in.policy.FirstResponseSeconds, CreatedAt: filedAt,
		FirstDueAt: cal.Add(filedAt, time.Duration(in.policy.FirstResponseSeconds)*time.Second).UTC()}
	if r := in.policy.ResolutionSeconds; r != nil {
		due := cal.Add(filedAt, time.Duration(*r)*time.Second).UTC()
		args.ResSeconds, args.ResolutionDue = r, &due
	}
	// The row and its workflow-start mark (workflow_starts.go) in one statement; a
	// retried filing inserts neither.
	q := `WITH filed AS (INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id, customer_name,
			customer_tier, customer_phone, customer_email, customer_address, category, urgency, subject, description,
			sentiment, team_id, owner, sla_snapshot, sla_first_response_seconds, sla_resolution_seconds,
			created_at, updated_at, first_response_due_at, resolution_due_at, keywords, scope, integration_id, filed_by,
			source, policy_source, policy_urgency, policy_tier, policy_reason, anger_reason, urgency_raised_from, customer_locale,
			wait_seconds)
		VALUES (:id, :external_id, :request_hash, :workflow_id, :channel, :customer_id, :customer_name,
			:customer_tier, :customer_phone, :customer_email, :customer_address, :category, :urgency, :subject, :description,
			:sentiment, :team_id, :owner, :sla_snapshot, :first_seconds, :res_seconds,
			:created_at, :created_at, :first_due_at, :resolution_due_at,
			COALESCE(CAST(:keywords AS text[]), '{}'), COALESCE(NULLIF(:scope, ''), 'individual'),
			` + liveIntegration(":integration_id") + `, :filed_by,
			:source, :policy_source, :policy_urgency, :policy_tier, :policy_reason, :anger_reason, :urgency_raised_from,
			COALESCE(NULLIF(:customer_locale, ''), 'zh-CN'), :wait_seconds)
		ON CONFLICT ` + intakeKey + ` DO NOTHING
		RETURNING ` + complaintColumns + `
	), pending AS (
		INSERT INTO workflow_starts_pending (complaint_id, filed_at) SELECT id, created_at FROM filed
	)
	SELECT * FROM filed`
	var created Complaint
	inserted, err := s.insertReturning(ctx, &created, q, args)
	if err != nil {
		return Complaint{}, false, fmt.Errorf("insert complaint: %w", err)
	}
	if inserted {
		return created, true, nil
	}

	existing, err := s.ComplaintByExternalID(ctx, null.Value(c.IntegrationID), c.ExternalID)
	if err != nil {
		return Complaint{}, false, err
	}
	if existing.RequestHash != c.RequestHash {
		return existing, false, fmt.Errorf("external_id %q was filed with a different body: %w", c.ExternalID, ErrConflict)
	}
	return existing, false, nil
}

// Complaint reads one complaint by ID.
func (s *Store) Complaint(ctx context.Context, id string) (Complaint, error) {
	return s.oneComplaint(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE id = $1`, id)
}

func (s *Store) oneComplaint(ctx context.Context, q string, args ...any) (Complaint, error) {
	var c Complaint
	err := s.db.GetContext(ctx, &c, q, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("read complaint: %w", err)
	}
	return c, nil
}

// OpenComplaint records the complaint's `opened` event (once per key) and returns the
// SLA it was filed under with the reporting chain it escalates along: the first
// thing every complaint workflow does, so it is kept to few round trips.
func (s *Store) OpenComplaint(ctx context.Context, id, eventKey string, at time.Time) (complaint.SLA, error) {
	const q = `WITH c AS (
			SELECT id, urgency, customer_tier, category, status, COALESCE(owner, '') AS owner,
				created_at, first_response_due_at, resolution_due_at, sla_snapshot,
				COALESCE(sentiment, '') AS sentiment, COALESCE(team_id, '') AS team_id,
				COALESCE(anger_reason, '') AS anger_reason, COALESCE(urgency_raised_from, '') AS urgency_raised_from
			FROM complaints WHERE id = $1
		), opened AS (
			INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
			SELECT id, $2, 'opened', $4::text, $3, jsonb_build_object('status', status) FROM c
			ON CONFLICT (idempotency_key) DO NOTHING
		)
		SELECT * FROM c`
	var row struct {
		ID                 string           `db:"id"`
		Urgency            complaint.Level  `db:"urgency"`
		Tier               complaint.Level  `db:"customer_tier"`
		Category           string           `db:"category"`
		Status             complaint.Status `db:"status"`
		Owner              string           `db:"owner"`
		CreatedAt          time.Time        `db:"created_at"`
		FirstResponseDueAt time.Time        `db:"first_response_due_at"`
		ResolutionDueAt    *time.Time       `db:"resolution_due_at"`
		Snapshot           []byte           `db:"sla_snapshot"`
		Sentiment          string           `db:"sentiment"`
		TeamID             string           `db:"team_id"`
		AngerReason        string           `db:"anger_reason"`
		RaisedFrom         complaint.Level  `db:"urgency_raised_from"`
	}
	err := s.db.GetContext(ctx, &row, q, id, eventKey, at, complaint.ActorSystem)
	if errors.Is(err, sql.ErrNoRows) {
		return complaint.SLA{}, ErrNotFound
	}
	if err != nil {
		return complaint.SLA{}, fmt.Errorf("open complaint: %w", err)
	}
	sla := complaint.SLA{
		ComplaintID: row.ID, Urgency: row.Urgency, Tier: row.Tier, Category: row.Category,
		Status: row.Status, Owner: row.Owner, OpenedAt: row.CreatedAt, FirstResponseDue: row.FirstResponseDueAt,
		Sentiment: row.Sentiment, Team: row.TeamID, Anger: row.AngerReason, RaisedFrom: row.RaisedFrom,
	}
	sla.ResolutionDue = row.ResolutionDueAt
	if len(row.Snapshot) > 0 {
		sla.Policy = &complaint.Policy{}
		if err := json.Unmarshal(row.Snapshot, sla.Policy); err != nil {
			return sla, fmt.Errorf("decode policy snapshot of complaint %s: %w", id, err)
		}
	}
	sla.Chain, err = s.RoutedChain(ctx, sla.Owner, sla.Team)
	return sla, err
}

// RoutedChain is the chain a complaint escalates along: its owner's, or for a
// complaint waiting in a team's queue, the team lead's. Empty when the directory
// knows neither.
func (s *Store) RoutedChain(ctx context.Context, owner, team string) ([]complaint.Member, error) {
	start := owner
	if start == "" && team != "" {
		lead, err := s.TeamLead(ctx, team)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		start = lead
	}
	if start == "" {
		return nil, nil
	}
	chain, err := s.Chain(ctx, start)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return chain, err
}

// EventRow is a row of the append-only complaint event log.
type EventRow struct {
	ID             int64           `db:"id"`
	ComplaintID    string          `db:"complaint_id"`
	IdempotencyKey string          `db:"idempotency_key"`
	Kind           string          `db:"kind"`
	Actor          string          `db:"actor"`
	OccurredAt     time.Time       `db:"occurred_at"`
	RecordedAt     time.Time       `db:"recorded_at"`
	Data           json.RawMessage `db:"data"`
}

// RecordEvent appends a transition to the event log and applies it to the complaint
// row, in one transaction. It reports false, and changes nothing, when an event with
// the same key was recorded before (a retried activity). An acknowledgement that
// puts the complaint in the backlog writes its improvement item (addComplaintToBacklog).
func (s *Store) RecordEvent(ctx context.Context, e complaint.Event) (bool, error) {
	data, err := json.Marshal(eventData(e))
	if err != nil {
		return false, fmt.Errorf("encode event: %w", err)
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	defer tx.Rollback()

	const insert = `INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (idempotency_key) DO NOTHING`
	res, err := tx.ExecContext(ctx, insert, e.ComplaintID, e.Key, e.Kind, e.Actor, e.At, string(data))
	if err != nil {
		return false, fmt.Errorf("record %s event: %w", e.Kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if err := applyEvent(ctx, tx, e); err != nil {
		return false, err
	}
	if joinsBacklog(e) {
		if err := addComplaintToBacklog(ctx, tx, e.ComplaintID); err != nil {
			return false, err
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("record %s event: %w", e.Kind, err)
	}
	return true, nil
}

// applyEvent moves the complaint row to the state the event describes, and keeps the
// escalations table in step with escalation events.
func applyEvent(ctx context.Context, tx execer, e complaint.Event) error {
	if e.Escalation != nil {
		if err := putEscalation(ctx, tx, e.ComplaintID, *e.Escalation); err != nil {
			return err
		}
	}
	if e.Compensation != nil {
		if err := putCompensation(ctx, tx, e.ComplaintID, *e.Compensation); err != nil {
			return err
		}
	}
	var q string
	args := []any{e.ComplaintID, e.At}
	switch e.Kind {
	case complaint.EventOpened, complaint.EventSLAWarning, complaint.EventUrgencyRaised, complaint.EventProgressSent:
		return nil // urgency_raised: intake stamped the raised urgency already
	case complaint.EventAcknowledged:
		// The complaint's first response, or a reopened round's (which meets that
		// round's clock and leaves first_response_at the first).
		q = `UPDATE complaints SET status = $3, owner = COALESCE(owner, NULLIF($4, '')),
			first_response_at = COALESCE(first_response_at, $2), round_response_pending = false,
			updated_at = now() WHERE id = $1`
		args = append(args, e.Status, e.Owner)
	case complaint.EventSLABreached:
		column := "first_response_breached"
		if e.Clock == complaint.ClockResolution {
			column = "resolution_breached"
		}
		q = `UPDATE complaints SET ` + column + ` = true, updated_at = now() WHERE id = $1`
		args = args[:1]
	case complaint.EventSLAEscalated:
		q = `UPDATE complaints SET escalation_level = GREATEST(escalation_level, $2), updated_at = now() WHERE id = $1`
		args = []any{e.ComplaintID, e.Level}
	case complaint.EventPaused:
		q = `UPDATE complaints SET status = $3, paused_at = $2, updated_at = now() WHERE id = $1`
		args = append(args, e.Status)
	case complaint.EventResumed:
		q = `UPDATE complaints SET status = $2, paused_at = NULL, paused_seconds = paused_seconds + $3,
			resolution_due_at = $4, updated_at = now() WHERE id = $1`
		args = []any{e.ComplaintID, e.Status, e.PausedSeconds, e.ResolutionDueAt}
	case complaint.EventResolved:
		q = `UPDATE complaints SET status = $3, owner = COALESCE(owner, NULLIF($4, '')),
			first_response_at = COALESCE(first_response_at, $2), round_response_pending = false, resolved_at = $2,
			resolution_summary = $5, root_cause = $6, paused_at = NULL, paused_seconds = paused_seconds + $7,
			updated_at = now() WHERE id = $1`
		args = append(args, e.Status, e.Owner, e.Summary, e.RootCause, e.PausedSeconds)
	case complaint.EventReopened:
		// A round with a first-response clock (the customer's dissatisfied answer)
		// shows it as the complaint's first-response deadline until it is met, and
		// its SLA (roundColumns) until the next reopening.
		q = `UPDATE complaints SET status = $2, resolved_at = NULL, reopened_count = reopened_count + 1,
			resolution_due_at = $3, first_response_due_at = COALESCE($4, first_response_due_at),
			round_response_pending = CAST($4 AS timestamptz) IS NOT NULL, round_policy_id = NULLIF($5, ''),
			round_first_response_seconds = $6, round_resolution_seconds = $7, updated_at = now() WHERE id = $1`
		args = append([]any{e.ComplaintID, e.Status, e.ResolutionDueAt, timeOrNil(e.FirstResponseDueAt)}, roundColumns(e.RoundSLA)...)
	case complaint.EventClosed:
		q = `UPDATE complaints SET status = $3, closed_at = $2, verification = NULLIF($4, ''), updated_at = now() WHERE id = $1`
		args = append(args, e.Status, string(e.Verification))
	case complaint.EventSurveySent:
		return nil // the survey row is written when the survey is opened
	case complaint.EventSurveyReminded:
		q = `UPDATE surveys SET reminded_at = $2 WHERE id = $1`
		args = []any{e.SurveyID, e.At}
	case complaint.EventSurveyAnswered:
		if e.Survey == nil {
			return fmt.Errorf("record survey_answered event: no answer")
		}
		a := e.Survey
		q = `UPDATE surveys SET status = 'answered', answered_at = $2, closed_at = $2,
			csat = $3, nps = $4, ces = $5, solved = $6, comment = NULLIF($7, ''),
			response_speed = $8, problem_solved = $9, service_attitude = $10 WHERE id = $1`
		args = []any{e.SurveyID, e.At, a.CSAT, a.NPS, a.CES, a.Solved, a.Comment, a.ResponseSpeed, a.ProblemSolved, a.ServiceAttitude}
	case complaint.EventSurveyExpired, complaint.EventSurveyCancelled:
		q = `UPDATE surveys SET status = $3, closed_at = $2 WHERE id = $1`
		status := "expired"
		if e.Kind == complaint.EventSurveyCancelled {
			status = "cancelled"
		}
		args = []any{e.SurveyID, e.At, status}
	case complaint.EventEscalationRequest, complaint.EventEscalationMovedUp, complaint.EventEscalationOverdue,
		complaint.EventEscalationCancelled, complaint.EventCompensationGranted, complaint.EventCompensationRequested,
		complaint.EventCompensationDeclined, complaint.EventCompensationCancelled:
		q = `UPDATE complaints SET updated_at = now() WHERE id = $1`
		args = args[:1]
	case complaint.EventHandedOver:
		q = `UPDATE complaints SET owner = $2, updated_at = now() WHERE id = $1`
		args = []any{e.ComplaintID, e.Owner}
	case complaint.EventEscalationDecision:
		// A raised urgency may have tightened the running first-response clock.
		q = `UPDATE complaints SET owner = COALESCE(NULLIF($2, ''), owner), urgency = COALESCE(NULLIF($3, ''), urgency),
			resolution_due_at = COALESCE($4, resolution_due_at), extended_seconds = $5,
			status = COALESCE(NULLIF($6, ''), status), first_response_due_at = COALESCE($7, first_response_due_at),
			updated_at = now() WHERE id = $1`
		args = []any{e.ComplaintID, e.Owner, string(e.Urgency), timeOrNil(e.ResolutionDueAt), e.ExtendedSeconds, string(e.Status),
			timeOrNil(e.FirstResponseDueAt)}
	default:
		return fmt.Errorf("record event: unknown kind %q", e.Kind)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("apply %s event: %w", e.Kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("apply %s event to complaint %s: %w", e.Kind, e.ComplaintID, ErrNotFound)
	}
	return nil
}

// putEscalation writes the escalation as the event leaves it — while it is pending:
// a decided or cancelled escalation is final. The workflow's events may commit out
// of order (its main loop's and an update's local activities run at once), and a
// "moved up" written after the cancellation that followed it must not make the
// escalation pending again.
func putEscalation(ctx context.Context, tx execer, complaintID string, e complaint.EscalationRecord) error {
	var decision *string
	if e.Decision != nil {
		b, err := json.Marshal(e.Decision)
		if err != nil {
			return fmt.Errorf("encode decision: %w", err)
		}
		decision = new(string(b))
	}
	const q = `INSERT INTO escalations (id, complaint_id, seq, status, requested_by, requested_at, reason, automatic,
			approver_id, eligible, level, decision_due_at, decided_by, decided_at, decision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), $10, $11, $12, NULLIF($13, ''), $14, $15)
		ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, approver_id = EXCLUDED.approver_id,
			eligible = EXCLUDED.eligible, level = EXCLUDED.level, decision_due_at = EXCLUDED.decision_due_at,
			decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at, decision = EXCLUDED.decision
		WHERE escalations.status = 'pending'`
	_, err := tx.ExecContext(ctx, q, e.ID, complaintID, e.Seq, e.Status, e.RequestedBy, e.RequestedAt, e.Reason,
		e.Automatic, e.Approver, eligibleOf(e), e.Level, e.DecisionDueAt, e.DecidedBy, e.DecidedAt, decision)
	if err != nil {
		return fmt.Errorf("write escalation %s: %w", e.ID, err)
	}
	return nil
}

// eligibleOf is who may decide e, as stored: none is the empty array, not NULL (an
// escalation that awaits a manager the chain does not name yet has nobody), which
// lib/pq would send for a nil slice and the column refuses.
func eligibleOf(e complaint.EscalationRecord) pq.StringArray {
	if e.Eligible == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(e.Eligible)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// eventData is the JSON payload of an event: everything but the columns of its own.
func eventData(e complaint.Event) map[string]any {
	d := map[string]any{}
	put := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	put("status", string(e.Status))
	put("owner", e.Owner)
	put("message", e.Message)
	put("summary", e.Summary)
	put("root_cause", e.RootCause)
	put("reason", e.Reason)
	put("clock", string(e.Clock))
	put("recipient", e.Recipient)
	put("urgency", string(e.Urgency))
	put("survey_id", e.SurveyID)
	put("verification", string(e.Verification))
	put("previous_owner", e.PreviousOwner)
	if e.Compensation != nil {
		d["compensation"] = e.Compensation
	}
	if e.Survey != nil {
		d["survey"] = e.Survey
	}
	if !e.DueAt.IsZero() {
		d["due_at"] = e.DueAt.UTC().Format(time.RFC3339Nano)
		d["fired_at"] = e.At.UTC().Format(time.RFC3339Nano)
	}
	if !e.ResolutionDueAt.IsZero() {
		d["resolution_due_at"] = e.ResolutionDueAt.UTC().Format(time.RFC3339Nano)
	}
	if !e.FirstResponseDueAt.IsZero() {
		d["first_response_due_at"] = e.FirstResponseDueAt.UTC().Format(time.RFC3339Nano)
	}
	if !e.ExpectedBy.IsZero() {
		d["expected_by"] = e.ExpectedBy.UTC().Format(time.RFC3339Nano)
	}
	for k, v := range map[string]int64{"round": int64(e.Round), "percent": int64(e.Percent), "level": int64(e.Level),
		"extended_seconds": e.ExtendedSeconds} {
		if v != 0 {
			d[k] = v
		}
	}
	if e.PausedSeconds != 0 {
		d["paused_seconds"] = e.PausedSeconds
	}
	if e.Escalation != nil {
		d["escalation"] = e.Escalation
	}
	if e.RoundSLA != nil {
		d["round_sla"] = e.RoundSLA
	}
	return d
}

// Events lists a complaint's history, oldest first.
func (s *Store) Events(ctx context.Context, complaintID string) ([]EventRow, error) {
	const q = `SELECT id, complaint_id, idempotency_key, kind, actor, occurred_at, recorded_at, data
		FROM complaint_events WHERE complaint_id = $1 ORDER BY id`
	var es []EventRow
	if err := s.db.SelectContext(ctx, &es, q, complaintID); err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return es, nil
}
