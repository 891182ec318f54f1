package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// ErrTypeBadTemplate marks a customer notice whose template cannot render (an
// unknown key, a stored template that no longer parses): no retry fixes it.
const ErrTypeBadTemplate = "BadTemplate"

// MessageStore is what rendering a customer notice needs of the system of record:
// the admins' version of a customer text, false when they kept the seeded one.
type MessageStore interface {
	MessageTemplateText(ctx context.Context, key message.Key, locale message.Locale) (message.Text, bool, error)
}

// CustomerMessages configures the texts customers receive.
type CustomerMessages struct {
	Templates MessageStore // nil: the seeded texts only
	// DefaultLocale is used when the complaint has none (a notice about no
	// complaint); empty means message.DefaultLocale.
	DefaultLocale message.Locale
	// Zone shows times to customers (CUSTOMER_TIME_ZONE); nil means UTC.
	Zone *time.Location
}

// render fills a customer notice that names a template (Notice.Template): in the
// customer's locale, from the admins' version of the text or else the seeded one,
// with the complaint's ID and the customer's name added to the workflow's
// variables. A notice without a template keeps its subject and body (staff
// notices, and customer notices scheduled before templates existed).
func (a *Activities) render(ctx context.Context, n Notice, c notify.Contacts) (Notice, error) {
	if n.Template == "" {
		return n, nil
	}
	key := message.Key(n.Template)
	locale, ok := message.ParseLocale(c.CustomerLocale)
	if !ok {
		locale = a.Messages.DefaultLocale
		if locale == "" {
			locale = message.DefaultLocale
		}
	}
	text, found := message.Text{}, false
	if a.Messages.Templates != nil {
		var err error
		if text, found, err = a.Messages.Templates.MessageTemplateText(ctx, key, locale); err != nil {
			return n, err
		}
	}
	if !found {
		if text, found = message.Seed(key, locale); !found {
			return n, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("notice %s: %q is not a customer text", n.EventKey, key), ErrTypeBadTemplate, nil)
		}
	}
	vars := map[string]string{"complaint_id": n.ComplaintID, "customer_name": c.CustomerName}
	for k, v := range n.Vars {
		vars[k] = v
	}
	if n.SurveyID != "" && a.Surveys != nil {
		sv, err := a.Surveys.Survey(ctx, n.SurveyID)
		if err != nil {
			return n, err
		}
		if vars["link"], err = a.surveyLink(ctx, sv.ID, sv.ExpiresAt); err != nil {
			return n, err
		}
	}
	out, err := message.Render(key, locale, text, vars, a.Messages.Zone)
	if err != nil {
		return n, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeBadTemplate, err)
	}
	n.Subject, n.Body = out.Subject, out.Body
	return n, nil
}
