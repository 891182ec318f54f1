package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// ErrInvalid means a write named a row that does not exist or may not be used there.
var ErrInvalid = errors.New("invalid reference")

// FieldError refuses a directory write because of one field's value, named as the
// API names it. It wraps ErrInvalid (the value itself is wrong: no such team, an
// inactive manager) or ErrConflict (the value clashes with other rows: a manager who
// already reports to the person).
type FieldError struct {
	Field  string
	Reason string
	kind   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }
func (e *FieldError) Unwrap() error { return e.kind }

func invalidField(field, reason string) error {
	return &FieldError{Field: field, Reason: reason, kind: ErrInvalid}
}

// FieldErrors lists the field errors in err, which may join several.
func FieldErrors(err error) []*FieldError {
	switch e := err.(type) {
	case *FieldError:
		return []*FieldError{e}
	case interface{ Unwrap() []error }:
		var out []*FieldError
		for _, x := range e.Unwrap() {
			out = append(out, FieldErrors(x)...)
		}
		return out
	case interface{ Unwrap() error }:
		return FieldErrors(e.Unwrap())
	}
	return nil
}

// fieldChecks joins what the checks found wrong with the fields, so one answer
// names every one; an error of another kind (the database) is returned alone.
func fieldChecks(errs ...error) error {
	var fields []error
	for _, err := range errs {
		var fe *FieldError
		switch {
		case err == nil:
		case errors.As(err, &fe):
			fields = append(fields, err)
		default:
			return err
		}
	}
	return errors.Join(fields...)
}

// DefaultRoute is the routing category that catches every category without a rule.
const DefaultRoute = "*"

// MaxChainDepth bounds a reporting chain: the store refuses cycles, but a chain read
// must terminate even on rows written around it.
const MaxChainDepth = 32

// directoryLock serialises directory writes (a PostgreSQL advisory lock key), so the
// checks a write makes — the manager is active, no cycle — still hold when it
// commits. Directory writes are rare admin actions; the lock costs nothing.
const directoryLock int64 = 0x0d12ec7021

// Team is a group of people sharing a queue; its lead receives the first escalation
// of the team's complaints.
type Team struct {
	ID        string    `db:"id"`
	Name      string    `db:"name"`
	LeadID    *string   `db:"lead_id"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
	UpdatedBy string    `db:"updated_by"`
}

// Person is someone of the directory. People are deactivated, never deleted: past
// events, escalations and tokens keep naming them.
type Person struct {
	ID         string         `db:"id"`
	Name       string         `db:"name"`
	Role       complaint.Role `db:"role"`
	TeamID     *string        `db:"team_id"`
	ManagerID  *string        `db:"manager_id"`
	Email      *string        `db:"email"`
	WebhookURL *string        `db:"webhook_url"`
	// WebhookSecret signs the person's webhooks (see PutPerson); nil: the shared key.
	WebhookSecret *string `db:"webhook_secret"`
	// WebhookPreviousUntil is when the key the last rotation replaced stops signing beside it; nil: none does.
	WebhookPreviousUntil *time.Time `db:"webhook_secret_previous_until"`
	Active               bool       `db:"active"`
	CreatedAt            time.Time  `db:"created_at"`
	UpdatedAt            time.Time  `db:"updated_at"`
	UpdatedBy            string     `db:"updated_by"`
}

// Route sends new complaints of a category to a team, and optionally to an owner.
type Route struct {
	Category  string    `db:"category"`
	Tier      string    `db:"tier"`    // complaint.Any: every tier
	Channel   string    `db:"channel"` // complaint.Any: every channel
	TeamID    string    `db:"team_id"`
	OwnerID   *string   `db:"owner_id"`
	UpdatedAt time.Time `db:"updated_at"`
	UpdatedBy string    `db:"updated_by"`
}

// PeopleFilter narrows People; zero fields match everyone.
type PeopleFilter struct {
	TeamID string
	Role   complaint.Role
	Active *bool
}

const (
	teamColumns   = `id, name, lead_id, created_at, updated_at, updated_by`
	personColumns = `id, name, role, team_id, manager_id, email, webhook_url, webhook_secret, webhook_secret_previous_until, active, created_at, updated_at, updated_by`
	routeColumns  = `category, tier, channel, team_id, owner_id, updated_at, updated_by`
)

// atVersion holds a write made in tx to the version given (see ErrStale): the
// updated_at query reads (no row: the zero time) must be it. Race-free because the
// caller holds the directory lock, which every write of these tables takes.
func atVersion(ctx context.Context, tx *sqlx.Tx, version *time.Time, query string, args ...any) error {
	if version == nil {
		return nil
	}
	var at time.Time
	if err := tx.GetContext(ctx, &at, query, args...); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if !at.Equal(*version) {
		return ErrStale
	}
	return nil
}

// goneOrStale tells why a delete made against a version removed nothing: ErrStale
// when the row is still there (at another version), else ErrNotFound. exists reads
// it; without a version it is ErrNotFound.
func goneOrStale(version *time.Time, exists func() error) error {
	if version == nil {
		return ErrNotFound
	}
	switch err := exists(); {
	case err == nil:
		return ErrStale
	case errors.Is(err, ErrNotFound):
		return ErrNotFound
	default:
		return err
	}
}

// staleAs answers a write refused as stale with what it was refused against: the
// row as it is now (read), or none.
func staleAs[T any](err error, read func() (T, error)) (T, error) {
	now, rerr := read()
	if rerr != nil && !errors.Is(rerr, ErrNotFound) {
		return now, rerr
	}
	return now, err
}

// inDirectoryTx runs fn in a transaction holding the directory lock.
func (s *Store) inDirectoryTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, directoryLock); err != nil {
		return fmt.Errorf("lock directory: %w", err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// PutTeam creates or replaces a team and reports whether it was created. A lead must
// be an active person. With a version, only if the team is still that version (see
// ErrStale; the team as it is comes back with it).
func (s *Store) PutTeam(ctx context.Context, t Team, version *time.Time) (Team, bool, error) {
	const q = `INSERT INTO teams (id, name, lead_id, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, lead_id = EXCLUDED.lead_id,
			updated_at = now(), updated_by = EXCLUDED.updated_by
		RETURNING ` + teamColumns + `, (xmax = 0) AS created`
	var out struct {
		Team
		Created bool `db:"created"`
	}
	err := s.inDirectoryTx(ctx, func(tx *sqlx.Tx) error {
		if err := atVersion(ctx, tx, version, `SELECT updated_at FROM teams WHERE id = $1`, t.ID); err != nil {
			return err
		}
		if err := checkActivePerson(ctx, tx, "lead_id", t.LeadID); err != nil {
			return err
		}
		return tx.GetContext(ctx, &out, q, t.ID, t.Name, t.LeadID, t.UpdatedBy)
	})
	if errors.Is(err, ErrStale) {
		now, err := staleAs(err, func() (Team, error) { return s.Team(ctx, t.ID) })
		return now, false, err
	}
	if err != nil {
		return t, false, fmt.Errorf("put team %s: %w", t.ID, err)
	}
	return out.Team, out.Created, nil
}

// Team reads one team.
func (s *Store) Team(ctx context.Context, id string) (Team, error) {
	var t Team
	err := s.db.GetContext(ctx, &t, `SELECT `+teamColumns+` FROM teams WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("read team %s: %w", id, err)
	}
	return t, nil
}

// Teams lists every team by ID.
func (s *Store) Teams(ctx context.Context) ([]Team, error) {
	ts := []Team{}
	if err := s.db.SelectContext(ctx, &ts, `SELECT `+teamColumns+` FROM teams ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	return ts, nil
}

// TeamLead returns the ID of the team's lead, or "" when the team has no active lead
// (or does not exist): an escalation then goes to the next level instead.
func (s *Store) TeamLead(ctx context.Context, teamID string) (string, error) {
	const q = `SELECT coalesce((SELECT p.id FROM teams t JOIN people p ON p.id = t.lead_id
		WHERE t.id = $1 AND p.active), '')`
	var id string
	if err := s.db.GetContext(ctx, &id, q, teamID); err != nil {
		return "", fmt.Errorf("read lead of team %s: %w", teamID, err)
	}
	return id, nil
}

// PutPerson creates or replaces a person and reports whether they were created. The
// team must exist; the manager must be an active person who does not already report,
// directly or not, to this person — the reporting chain stays acyclic. A person
// given a webhook who had none takes p.WebhookSecret as their signing key; one who
// keeps a webhook keeps their key (none, for a webhook set before keys: the shared
// one); one left without a webhook loses it. With a version, only if the person is
// still that version (see ErrStale; the person as they are comes back with it).
func (s *Store) PutPerson(ctx context.Context, p Person, version *time.Time) (Person, bool, error) {
	const q = `INSERT INTO people (id, name, role, team_id, manager_id, email, webhook_url, webhook_secret, active, updated_by,
			deactivated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7::text IS NOT NULL THEN $10::text END, $8, $9,
			CASE WHEN $8 THEN NULL ELSE now() END)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,
			team_id = EXCLUDED.team_id, manager_id = EXCLUDED.manager_id, email = EXCLUDED.email,
			webhook_url = EXCLUDED.webhook_url, active = EXCLUDED.active,
			webhook_secret = CASE WHEN people.webhook_url IS NULL OR EXCLUDED.webhook_url IS NULL
				THEN EXCLUDED.webhook_secret ELSE people.webhook_secret END,
			webhook_secret_previous = CASE WHEN people.webhook_url = EXCLUDED.webhook_url THEN people.webhook_secret_previous END,
			webhook_secret_previous_until = CASE WHEN people.webhook_url = EXCLUDED.webhook_url THEN people.webhook_secret_previous_until END,
			updated_at = now(), updated_by = EXCLUDED.updated_by,
			-- When they left, for the monthly staff turnover (002 §9.1); back again, not left.
			deactivated_at = CASE WHEN EXCLUDED.active THEN NULL WHEN people.active THEN now()
				ELSE people.deactivated_at END
		RETURNING ` + personColumns + `, (xmax = 0) AS created`
	var out struct {
		Person
		Created bool `db:"created"`
	}
	err := s.inDirectoryTx(ctx, func(tx *sqlx.Tx) error {
		if err := atVersion(ctx, tx, version, `SELECT updated_at FROM people WHERE id = $1`, p.ID); err != nil {
			return err
		}
		if err := fieldChecks(checkTeam(ctx, tx, "team_id", p.TeamID), checkManager(ctx, tx, p.ID, p.ManagerID)); err != nil {
			return err
		}
		return tx.GetContext(ctx, &out, q, p.ID, p.Name, p.Role, p.TeamID, p.ManagerID,
			p.Email, p.WebhookURL, p.Active, p.UpdatedBy, p.WebhookSecret)
	})
	if errors.Is(err, ErrStale) {
		now, err := staleAs(err, func() (Person, error) { return s.Person(ctx, p.ID) })
		return now, false, err
	}
	if err != nil {
		return p, false, fmt.Errorf("put person %s: %w", p.ID, err)
	}
	return out.Person, out.Created, nil
}

func checkTeam(ctx context.Context, tx *sqlx.Tx, field string, id *string) error {
	if id == nil {
		return nil
	}
	var exists bool
	if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM teams WHERE id = $1)`, *id); err != nil {
		return err
	}
	if !exists {
		return invalidField(field, "no team "+*id)
	}
	return nil
}

// checkRef names field when id (neither nil nor empty) is not found by exists, a
// query answering whether the row $1 exists; reason is a format for the id.
func checkRef(ctx context.Context, tx *sqlx.Tx, field, exists string, id *string, reason string) error {
	if id == nil || *id == "" {
		return nil
	}
	var found bool
	if err := tx.GetContext(ctx, &found, exists, *id); err != nil {
		return err
	}
	if !found {
		return invalidField(field, fmt.Sprintf(reason, *id))
	}
	return nil
}

func checkActivePerson(ctx context.Context, tx *sqlx.Tx, field string, id *string) error {
	if id == nil {
		return nil
	}
	var active bool
	err := tx.GetContext(ctx, &active, `SELECT active FROM people WHERE id = $1`, *id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return invalidField(field, "no person "+*id)
	case err != nil:
		return err
	case !active:
		return invalidField(field, "person "+*id+" is not active")
	}
	return nil
}

// checkManager refuses a manager that is inactive, missing, the person themselves, or
// someone in the person's reports (which would close a cycle). UNION, not UNION ALL,
// makes the walk stop even if a cycle was written around the store.
func checkManager(ctx context.Context, tx *sqlx.Tx, personID string, managerID *string) error {
	if managerID == nil {
		return nil
	}
	if *managerID == personID {
		return invalidField("manager_id", "a person cannot be their own manager")
	}
	if err := checkActivePerson(ctx, tx, "manager_id", managerID); err != nil {
		return err
	}
	const q = `WITH RECURSIVE above (id, manager_id) AS (
			SELECT id, manager_id FROM people WHERE id = $1
			UNION
			SELECT p.id, p.manager_id FROM above a JOIN people p ON p.id = a.manager_id
		)
		SELECT EXISTS (SELECT 1 FROM above WHERE id = $2)`
	var cycle bool
	if err := tx.GetContext(ctx, &cycle, q, *managerID, personID); err != nil {
		return fmt.Errorf("check reporting chain: %w", err)
	}
	if cycle {
		return &FieldError{Field: "manager_id", kind: ErrConflict,
			Reason: *managerID + " reports to " + personID + " already; this would make the reporting chain a cycle"}
	}
	return nil
}

// Person reads one person, active or not.
func (s *Store) Person(ctx context.Context, id string) (Person, error) {
	var p Person
	err := s.db.GetContext(ctx, &p, `SELECT `+personColumns+` FROM people WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read person %s: %w", id, err)
	}
	return p, nil
}

// People lists the people matching f, by ID.
func (s *Store) People(ctx context.Context, f PeopleFilter) ([]Person, error) {
	const q = `SELECT ` + personColumns + ` FROM people
		WHERE ($1 = '' OR team_id = $1) AND ($2 = '' OR role = $2) AND ($3::boolean IS NULL OR active = $3)
		ORDER BY id`
	ps := []Person{}
	if err := s.db.SelectContext(ctx, &ps, q, f.TeamID, string(f.Role), f.Active); err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	return ps, nil
}

// DeactivatePerson marks a person inactive (idempotently). Their reports keep them as
// manager until reassigned; Chain walks through them to the next active manager.
// With a version, only if the person is still that version (ErrStale otherwise).
func (s *Store) DeactivatePerson(ctx context.Context, id, by string, version *time.Time) (Person, error) {
	const q = `UPDATE people SET active = false, updated_at = now(), updated_by = $2,
			deactivated_at = CASE WHEN active THEN now() ELSE deactivated_at END
		WHERE id = $1 AND ($3::timestamptz IS NULL OR updated_at = $3) RETURNING ` + personColumns
	var p Person
	err := s.inDirectoryTx(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &p, q, id, by, version)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return p, goneOrStale(version, func() error { _, err := s.Person(ctx, id); return err })
	}
	if err != nil {
		return p, fmt.Errorf("deactivate person %s: %w", id, err)
	}
	return p, nil
}

// Chain returns the person's reporting chain, lowest first: the person, their manager,
// the manager's manager, … at most MaxChainDepth people deep. Inactive people are
// left out but walked through, so a departed manager's manager still counts.
// ErrNotFound if the person does not exist.
func (s *Store) Chain(ctx context.Context, personID string) ([]complaint.Member, error) {
	const q = `WITH RECURSIVE chain (id, role, active, manager_id, depth) AS (
			SELECT id, role, active, manager_id, 1 FROM people WHERE id = $1
			UNION ALL
			SELECT p.id, p.role, p.active, p.manager_id, c.depth + 1
			FROM chain c JOIN people p ON p.id = c.manager_id
			WHERE c.depth < $2
		)
		SELECT id, role, active FROM chain ORDER BY depth`
	var rows []struct {
		complaint.Member
		Active bool `db:"active"`
	}
	if err := s.db.SelectContext(ctx, &rows, q, personID, MaxChainDepth); err != nil {
		return nil, fmt.Errorf("read chain of %s: %w", personID, err)
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	chain := []complaint.Member{}
	for _, r := range rows {
		if r.Active {
			chain = append(chain, r.Member)
		}
	}
	return chain, nil
}

// PutRoute creates or replaces the routing rule of a category, tier and channel
// (each complaint.Any for every value) and reports whether it was created. The team
// must exist; an owner must be an active person. With a version, only if the rule
// is still that version (see ErrStale; the rule as it is comes back with it).
func (s *Store) PutRoute(ctx context.Context, r Route, version *time.Time) (Route, bool, error) {
	const q = `INSERT INTO routing_rules (category, tier, channel, team_id, owner_id, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (category, tier, channel) DO UPDATE SET team_id = EXCLUDED.team_id, owner_id = EXCLUDED.owner_id,
			updated_at = now(), updated_by = EXCLUDED.updated_by
		RETURNING ` + routeColumns + `, (xmax = 0) AS created`
	r.Tier, r.Channel = cmp.Or(r.Tier, complaint.Any), cmp.Or(r.Channel, complaint.Any)
	var out struct {
		Route
		Created bool `db:"created"`
	}
	err := s.inDirectoryTx(ctx, func(tx *sqlx.Tx) error {
		if err := atVersion(ctx, tx, version, `SELECT updated_at FROM routing_rules
			WHERE category = $1 AND tier = $2 AND channel = $3`, r.Category, r.Tier, r.Channel); err != nil {
			return err
		}
		if err := checkTeam(ctx, tx, "team_id", &r.TeamID); err != nil {
			return err
		}
		if err := checkActivePerson(ctx, tx, "owner_id", r.OwnerID); err != nil {
			return err
		}
		return tx.GetContext(ctx, &out, q, r.Category, r.Tier, r.Channel, r.TeamID, r.OwnerID, r.UpdatedBy)
	})
	if errors.Is(err, ErrStale) {
		now, err := staleAs(err, func() (Route, error) { return s.route(ctx, r.Category, r.Tier, r.Channel) })
		return now, false, err
	}
	if err != nil {
		return r, false, fmt.Errorf("put route %s/%s/%s: %w", r.Category, r.Tier, r.Channel, err)
	}
	return out.Route, out.Created, nil
}

// route reads the routing rule of one key; ErrNotFound when there is none.
func (s *Store) route(ctx context.Context, category, tier, channel string) (Route, error) {
	var r Route
	err := s.db.GetContext(ctx, &r, `SELECT `+routeColumns+` FROM routing_rules
		WHERE category = $1 AND tier = $2 AND channel = $3`, category, tier, channel)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("read route %s/%s/%s: %w", category, tier, channel, err)
	}
	return r, nil
}

// Routes lists every routing rule by category, tier and channel ("*" first).
func (s *Store) Routes(ctx context.Context) ([]Route, error) {
	rs := []Route{}
	if err := s.db.SelectContext(ctx, &rs, `SELECT `+routeColumns+` FROM routing_rules
		ORDER BY category, tier, channel`); err != nil {
		return nil, fmt.Errorf("list routes: %w", err)
	}
	return rs, nil
}

// routeOwner is a routing rule's owner as a complaint gets it (people joined as o):
// an owner who is no longer active is left out, and the complaint waits in the
// team's queue instead of on a desk nobody sits at.
const routeOwner = `CASE WHEN o.active THEN r.owner_id END`

// RouteFor returns the most specific rule for a complaint's tier, channel and
// category (complaint.PickRoute); ErrNotFound when none matches. An owner who is no
// longer active is left out: the complaint then waits in the team's queue.
func (s *Store) RouteFor(ctx context.Context, want complaint.RouteKey) (Route, error) {
	const q = `SELECT r.category, r.tier, r.channel, r.team_id, ` + routeOwner + ` AS owner_id,
			r.updated_at, r.updated_by
		FROM routing_rules r LEFT JOIN people o ON o.id = r.owner_id
		WHERE r.category IN ($1, '*') AND r.tier IN ($2, '*') AND r.channel IN ($3, '*')`
	var rs []Route
	if err := s.db.SelectContext(ctx, &rs, q, want.Category, want.Tier, want.Channel); err != nil {
		return Route{}, fmt.Errorf("route %v: %w", want, err)
	}
	keys := make([]complaint.RouteKey, len(rs))
	for i, r := range rs {
		keys[i] = complaint.RouteKey{Tier: r.Tier, Channel: r.Channel, Category: r.Category}
	}
	i := complaint.PickRoute(want, keys)
	if i < 0 {
		return Route{}, ErrNotFound
	}
	return rs[i], nil
}

// DeleteRoute removes a rule; its complaints then take the next most specific one.
// With a version, only if the rule is still that version (ErrStale otherwise).
func (s *Store) DeleteRoute(ctx context.Context, k complaint.RouteKey, version *time.Time) error {
	tier, channel := cmp.Or(k.Tier, complaint.Any), cmp.Or(k.Channel, complaint.Any)
	var n int64
	// Under the directory lock, as PutRoute: a put checked at a version cannot then
	// upsert back a rule deleted in between.
	err := s.inDirectoryTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM routing_rules WHERE category = $1 AND tier = $2 AND channel = $3
			AND ($4::timestamptz IS NULL OR updated_at = $4)`, k.Category, tier, channel, version)
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("delete route %s: %w", k.Category, err)
	}
	if n == 0 {
		return goneOrStale(version, func() error { _, err := s.route(ctx, k.Category, tier, channel); return err })
	}
	return nil
}

// TeamRoster returns a team's lead ("" if none, or inactive) and its active members
// (the lead included), sorted by ID. A team that does not exist has neither: the
// quality team is optional.
func (s *Store) TeamRoster(ctx context.Context, teamID string) (leadID string, members []string, err error) {
	const q = `SELECT COALESCE((SELECT t.lead_id FROM teams t JOIN people l ON l.id = t.lead_id AND l.active
			WHERE t.id = $1), '') AS lead_id,
		COALESCE(ARRAY(SELECT p.id FROM people p
			WHERE p.active AND (p.team_id = $1 OR p.id = (SELECT lead_id FROM teams WHERE id = $1))
			ORDER BY p.id), '{}') AS members`
	var row struct {
		LeadID  string         `db:"lead_id"`
		Members pq.StringArray `db:"members"`
	}
	if err := s.db.GetContext(ctx, &row, q, teamID); err != nil {
		return "", nil, fmt.Errorf("team roster %s: %w", teamID, err)
	}
	return row.LeadID, row.Members, nil
}
