package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
)

// EventSuggestionDone is the notice telling a customer their suggestion is done.
const EventSuggestionDone complaint.EventKind = "suggestion_done"

// SuggestionDoneInput names the improvement-list item that was done, the feedback
// it came from and the item's title (the notice's {{.title}}).
type SuggestionDoneInput struct {
	BacklogID  string
	FeedbackID string
	Title      string
}

// SuggestionDoneWorkflowID is the workflow ID of the notice for a backlog item: one
// per item, so marking it done twice tells the customer once.
func SuggestionDoneWorkflowID(backlogID string) string { return "backlog:" + backlogID + "/done" }

// SuggestionDoneWorkflow tells the customer whose feedback a backlog item came from
// that the improvement is done (002 §3.4; the loop closes for suggestions as it does
// for complaints). It is one notice, keyed by the item, in the customer text
// message.SuggestionDone.
func SuggestionDoneWorkflow(ctx workflow.Context, in SuggestionDoneInput) error {
	n := activities.Notice{
		EventKey: SuggestionDoneWorkflowID(in.BacklogID), EventKind: EventSuggestionDone,
		Recipient: activities.CustomerRecipient, FeedbackID: in.FeedbackID,
		Template: string(message.SuggestionDone), Vars: map[string]string{"title": in.Title},
	}
	if err := workflow.ExecuteActivity(noticeContext(ctx), acts.Notify, n).Get(ctx, nil); err != nil {
		return fmt.Errorf("tell the customer of backlog item %s: %w", in.BacklogID, err)
	}
	return nil
}
