package store

import "context"

// An external_id is the intake system's own ID for what it files, unique within
// that system only (migration 00049): the call centre's "A-1" and a marketplace's
// "A-1" are two complaints. The intake system is the integration the filing token
// is bound to; tokens bound to none share one namespace, and so do the tokens of a
// deleted integration, whose filings record none (liveIntegration).

// intakeKey is the conflict target of the unique indexes over (intake system,
// external_id) of complaints and feedback: the expression they are built on.
const intakeKey = `((COALESCE(integration_id, '')), external_id)`

// liveIntegration is what a filing records as its integration: the token's, unless
// deleted. param is the SQL parameter holding the token's integration ID.
func liveIntegration(param string) string {
	return `(SELECT id FROM integrations WHERE id = ` + param + ` AND deleted_at IS NULL)`
}

// inIntake matches a row filed under external ID $2 by a token bound to integration
// $1 ("" for none): the row the token's filing of that ID would conflict with.
var inIntake = `COALESCE(integration_id, '') = COALESCE(` + liveIntegration("$1") + `, '') AND external_id = $2`

// ComplaintByExternalID reads the complaint filed under externalID by a token bound
// to integrationID ("" for none).
func (s *Store) ComplaintByExternalID(ctx context.Context, integrationID, externalID string) (Complaint, error) {
	return s.oneComplaint(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE `+inIntake, integrationID, externalID)
}

// FeedbackByExternalID reads the feedback sent under externalID by a token bound to
// integrationID ("" for none).
func (s *Store) FeedbackByExternalID(ctx context.Context, integrationID, externalID string) (Feedback, error) {
	return s.oneFeedback(ctx, `SELECT `+feedbackColumns+feedbackFrom+` WHERE `+inIntake, integrationID, externalID)
}
