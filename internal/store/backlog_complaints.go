package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/privacy"
)

// Low urgency goes into the product iteration backlog (002 §9.3 「需納入產品迭代計劃」,
// DOMAIN.md §1): a complaint acknowledged under a policy without a resolution clock
// joins the improvement list as an item of its own (migration 00033), beside the
// items of low-urgency feedback, for the improvement list, the insight report and
// the planning reviews to draw on. Marking the item done resolves the complaint
// (internal/api).

// BacklogTitle is the title of a backlog item made from text: its first line, at
// most 120 characters; "(no text)" for none.
func BacklogTitle(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > 120 {
		line = string([]rune(line)[:119]) + "…"
	}
	if line == "" {
		return "(no text)"
	}
	return line
}

// ItemTitle is the title of a backlog item: the first line of the first of texts
// that has one (a complaint's subject, else its description; feedback's text), as
// BacklogTitle makes it, without the customer's personal data. Items are read by
// quality roles, who may not see the customer's contacts: the customer's own
// contacts and name and any e-mail address are left out (privacy.ForAnalysis, as
// for the keywords every role sees), anything else shaped like a phone number masked
// (privacy.Text).
func ItemTitle(c privacy.Contacts, texts ...string) string {
	for _, text := range texts {
		clean := privacy.Text(privacy.ForAnalysis(text, c))
		line, _, _ := strings.Cut(strings.TrimSpace(clean), "\n")
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			return BacklogTitle(line)
		}
	}
	return BacklogTitle("")
}

// joinsBacklog tells whether an event puts its complaint on the improvement list:
// its acknowledgement with status backlog (workflows: no resolution clock).
func joinsBacklog(e complaint.Event) bool {
	return e.Kind == complaint.EventAcknowledged && e.Status == complaint.StatusBacklog
}

// addComplaintToBacklog writes the complaint's backlog item in the transaction that
// records its acknowledgement: titled by ItemTitle, its problem type
// the complaint's category, its keywords the complaint's. Once per complaint: an
// item already there is kept.
func addComplaintToBacklog(ctx context.Context, tx *sqlx.Tx, complaintID string) error {
	var c struct {
		Subject     string         `db:"subject"`
		Description string         `db:"description"`
		Name        string         `db:"customer_name"`
		Phone       *string        `db:"customer_phone"`
		Email       *string        `db:"customer_email"`
		Address     *string        `db:"customer_address"`
		Category    string         `db:"category"`
		Keywords    pq.StringArray `db:"keywords"`
	}
	const read = `SELECT subject, description, customer_name, customer_phone, customer_email, customer_address,
		category, keywords FROM complaints WHERE id = $1`
	err := tx.GetContext(ctx, &c, read, complaintID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("add complaint %s to the backlog: %w", complaintID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("add complaint %s to the backlog: %w", complaintID, err)
	}
	title := ItemTitle(privacy.Contacts{
		Name: c.Name, Phone: null.Value(c.Phone), Email: null.Value(c.Email), Address: null.Value(c.Address),
	}, c.Subject, c.Description)
	const insert = `INSERT INTO improvement_backlog (id, complaint_id, title, problem_type, keywords)
		VALUES ($1, $2, $3, $4, COALESCE($5, '{}'::text[]))
		ON CONFLICT (complaint_id) DO NOTHING`
	if _, err := tx.ExecContext(ctx, insert, uuid.NewString(), complaintID, title, c.Category, c.Keywords); err != nil {
		return fmt.Errorf("add complaint %s to the backlog: %w", complaintID, err)
	}
	return nil
}
