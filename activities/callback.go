package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
)

// IntakeRecipient is the recipient of callbacks: the intake system a complaint was
// filed through.
const IntakeRecipient = "intake"

// callback is the delivery of a customer notice to the complaint's intake
// integration, if it has one: a signed JSON document (notify.CallbackPayload) about
// the event the notice is about, under the key EventKey|intake|callback, so it is
// posted once per event however often Notify is retried; the Idempotency-Key header
// and the payload's event_id are the event key (receivers deduplicate on event_id,
// which the signature covers). The document is built from the
// recorded event, and the first one built is stored with the delivery and sent on
// every attempt.
//
// An escalation decision is posted when the customer sees its effect: an extended
// deadline (deadline_extended) or compensation (compensation_granted). Any notice
// about the decision, to staff or to the customer, may be the first to post it, so
// its document carries the event's facts and no notice text.
func (a *Activities) callback(ctx context.Context, n Notice) (delivery, bool, error) {
	if n.EventKind == complaint.EventResolved {
		return delivery{}, false, nil // posted with its survey link, when the survey goes out
	}
	t, ok, err := a.Notifications.CallbackTarget(ctx, n.ComplaintID, n.EventKey)
	if err != nil || !ok {
		return delivery{}, false, err
	}
	var ev struct {
		Status          string     `json:"status"`
		Summary         string     `json:"summary"`
		Reason          string     `json:"reason"`
		Verification    string     `json:"verification"`
		ResolutionDueAt *time.Time `json:"resolution_due_at"`
		Round           int        `json:"round"`
		SurveyID        string     `json:"survey_id"`
		ExpectedBy      *time.Time `json:"expected_by"`
		Escalation      *struct {
			Decision *complaint.Decision `json:"decision"`
		} `json:"escalation"`
		// The round's first-response deadline: reopened by the customer's answer.
		FirstResponseDueAt *time.Time `json:"first_response_due_at"`
		// A compensation granted; on a decision, one recorded with it (revision 8),
		// whose own compensation_granted event calls back.
		Compensation *complaint.CompensationRecord `json:"compensation"`
	}
	if len(t.EventData) > 0 {
		if err := json.Unmarshal(t.EventData, &ev); err != nil {
			return delivery{}, false, fmt.Errorf("event %s: %w", n.EventKey, err)
		}
	}
	p := notify.CallbackPayload{
		EventID: n.EventKey, Kind: string(n.EventKind), ComplaintID: n.ComplaintID, ExternalID: t.ExternalID,
		OccurredAt: t.OccurredAt.UTC(),
		Data: notify.CallbackData{
			Subject: n.Subject, Message: n.Body, Status: ev.Status, Summary: ev.Summary, Reason: ev.Reason,
			Verification: ev.Verification, ResolutionDueAt: ev.ResolutionDueAt, Round: roundOf(ev.Round),
			FirstResponseDueAt: ev.FirstResponseDueAt, ExpectedBy: ev.ExpectedBy,
		},
	}
	if n.EventKind == complaint.EventSurveySent {
		// The intake system hears of the resolution once, with the link it can pass
		// on to the customer: the survey is opened just after the resolution.
		var res struct {
			Status  string `json:"status"`
			Summary string `json:"summary"`
		}
		if len(t.ResolutionData) > 0 {
			if err := json.Unmarshal(t.ResolutionData, &res); err != nil {
				return delivery{}, false, fmt.Errorf("resolution of %s: %w", n.ComplaintID, err)
			}
		}
		p.Kind, p.Data.Status, p.Data.Summary = string(complaint.EventResolved), res.Status, res.Summary
	}
	switch complaint.EventKind(p.Kind) {
	case complaint.EventResolved, complaint.EventReopened, complaint.EventSurveyReminded:
		p.Data.Round = &ev.Round // the first round's 0 too: these kinds always say which
	}
	if c := ev.Compensation; n.EventKind == complaint.EventCompensationGranted && c != nil {
		// What was granted, in the words the customer heard: a decision's kind (a
		// coupon, points…), else the record's (refund, compensation).
		kind := string(c.Kind)
		if v := n.Vars["kind"]; v != "" {
			kind = v
		}
		p.Data.Compensation = &notify.CallbackCompensation{Kind: kind, Amount: c.Amount, Currency: c.Currency}
	}
	if n.EventKind == complaint.EventEscalationDecision {
		var d complaint.Decision
		if ev.Escalation != nil && ev.Escalation.Decision != nil {
			d = *ev.Escalation.Decision
		}
		p.Data = notify.CallbackData{ResolutionDueAt: ev.ResolutionDueAt}
		switch {
		case d.Kind == complaint.DecisionExtend:
			p.Kind, p.Data.ExtensionSeconds = notify.CallbackDeadlineExtended, d.ExtensionSeconds
		case d.Kind == complaint.DecisionCompensate && ev.Compensation != nil:
			return delivery{}, false, nil // called back once, by the grant's own event
		case d.Kind == complaint.DecisionCompensate && d.Compensation != nil:
			c := d.Compensation
			p.Kind = notify.CallbackCompensationGranted
			p.Data.Compensation = &notify.CallbackCompensation{Kind: c.Kind, Amount: c.Amount, Currency: c.Currency}
		default:
			return delivery{}, false, nil // approvals and reassignments are internal
		}
	}
	if link, err := a.callbackSurveyLink(ctx, ev.SurveyID, t); err != nil {
		return delivery{}, false, err
	} else if link != "" {
		expires := t.SurveyExpiresAt.UTC()
		p.Data.SurveyLink, p.Data.SurveyExpiresAt = link, &expires
	}
	body, err := p.Encode()
	if err != nil {
		return delivery{}, false, err
	}
	key := n.EventKey + "|" + IntakeRecipient + "|" + notify.ChannelCallback
	return delivery{
		channel: a.callbackChannel(),
		msg:     callbackMessage(t, n.EventKey, n.ComplaintID, p.Kind, body),
		row: notify.Notification{
			IdempotencyKey: key, ComplaintID: null.IfEmpty(n.ComplaintID), EventKind: p.Kind,
			Recipient: IntakeRecipient, Channel: notify.ChannelCallback, Address: null.IfEmpty(t.URL),
			Subject: p.Kind, Body: body,
		},
	}, true, nil
}

// callbackChannel is the configured callback channel, else a plain one.
func (a *Activities) callbackChannel() notify.Notifier {
	if ch := a.notifier(notify.ChannelCallback); ch != nil {
		return ch
	}
	return notify.Callback{}
}

// callbackMessage is the callback posting body about the event eventKey to the
// integration of t at its URL as it is now, signed with its secret as it is now
// and, for a while after a rotation, with the one it replaced: a retry, or a
// redelivery, after a rotation signs with the secret the receiver then checks.
func callbackMessage(t notify.CallbackTarget, eventKey, complaintID, kind, body string) notify.Message {
	return notify.Message{
		Key: eventKey, ComplaintID: complaintID, EventKind: kind, Recipient: IntakeRecipient,
		Address: t.URL, Subject: kind, Body: body, Secret: []byte(t.Secret),
		PreviousSecret: []byte(t.PreviousSecret), PreviousUntil: null.Value(t.PreviousUntil),
	}
}

// callbackSurveyLink is the survey link a callback about an event of the survey
// surveyID carries (t.SurveyExpiresAt set): signed again on every attempt, since
// the row keeps its token masked. "" for an event of no survey.
func (a *Activities) callbackSurveyLink(ctx context.Context, surveyID string, t notify.CallbackTarget) (string, error) {
	if surveyID == "" || t.SurveyExpiresAt == nil || a.Surveys == nil {
		return "", nil
	}
	return a.surveyLink(ctx, surveyID, *t.SurveyExpiresAt)
}

// roundOf is the round a callback names when its kind does not always carry one
// (sla_breached): a reopened round's, none for the first.
func roundOf(round int) *int {
	if round == 0 {
		return nil
	}
	return &round
}
