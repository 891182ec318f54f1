package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/privacy"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// ErrTypeNotificationFailed marks a notice that some channel could not deliver and
// that no retry will: a rejected address, a webhook answering 4xx, or retries
// exhausted. Notify fails with it, non-retryable, so the failure shows in Temporal;
// the reason is in the notification's row. Workflows do not wait on notices, so it
// never fails a complaint.
const ErrTypeNotificationFailed = "NotificationFailed"

// ErrTypeNotificationInFlight marks a notice with nothing left to do now but wait:
// every delivery still open is held by another attempt that may be sending it (a
// timed-out workflow task's, still running, or a dead one's not yet stale). It is
// retryable; a workflow sending from within its task lists it as non-retryable
// there, so the wait moves to an activity instead of holding the task.
const ErrTypeNotificationInFlight = "NotificationInFlight"

// CustomerRecipient is the Notice.Recipient of notices to the complaint's customer.
const CustomerRecipient = "customer"

// The kinds of recipient the send counter splits deliveries by: an SMTP server
// refusing customers' addresses and one refusing staff's are different troubles.
const (
	RecipientCustomer = "customer" // the complaint's customer
	RecipientIntake   = "intake"   // the intake system, by its callback
	RecipientStaff    = "staff"    // a person of the directory, or a role
)

// RecipientKind is the kind of recipient a delivery on channel to recipient goes to.
func RecipientKind(channel, recipient string) string {
	switch {
	case channel == notify.ChannelCallback:
		return RecipientIntake
	case recipient == CustomerRecipient:
		return RecipientCustomer
	}
	return RecipientStaff
}

// NotificationStore is what Notify needs of the system of record.
type NotificationStore interface {
	NotificationContacts(ctx context.Context, complaintID, personID string) (notify.Contacts, error)
	PersonWebhook(ctx context.Context, personID string) (notify.Contacts, error)
	FeedbackContacts(ctx context.Context, feedbackID string) (notify.Contacts, error)
	ClaimNotification(ctx context.Context, n notify.Notification, stale time.Duration, resend bool) (notify.Notification, notify.Claim, error)
	FinishNotification(ctx context.Context, key string, attempt int, status notify.NotificationStatus, lastError string, at time.Time) (bool, error)
	UnsettledNotifications(ctx context.Context, complaintID string, eventKeys []string) ([]notify.Notification, error)
	AbandonedNotifications(ctx context.Context, idle time.Duration, channels []string, exceptRecipient string, limit int) ([]notify.Notification, error)
	CallbackTarget(ctx context.Context, complaintID, eventKey string) (notify.CallbackTarget, bool, error)
	Redeliveries(ctx context.Context, limit int) ([]notify.Notification, error)
	EscalationSeq(ctx context.Context, complaintID, eventKey string) (int, bool, error)
}

// Notice is a notification about a complaint event for one recipient: a person of
// the directory (by ID), CustomerRecipient, or any other name ("unassigned:logistics",
// "role:director"), which only the log channel reaches.
type Notice struct {
	ComplaintID string
	EventKey    string
	EventKind   complaint.EventKind
	Recipient   string
	Subject     string
	Body        string
	// Template names the customer text (a message.Key) the activity renders in the
	// customer's locale when it delivers, from Vars; Subject and Body are then
	// ignored. Customer notices name one, so no customer wording is in a history.
	Template string            `json:",omitempty"`
	Vars     map[string]string `json:",omitempty"`
	// FeedbackID names the feedback whose customer a notice about no complaint is
	// for (an improvement they suggested is done): their contacts come from it.
	FeedbackID string `json:",omitempty"`
	// AlertID names the risk alert a notice is about (none is about a complaint):
	// its console link opens the alert's page, where its owner answers it.
	AlertID string `json:",omitempty"`
	// ReviewID names the review whose summary a notice is (about no complaint): its
	// console link opens the review on the reviews page.
	ReviewID string `json:",omitempty"`
	// SurveyID names the survey whose link the template's {{.link}} is: the activity
	// signs it when it delivers, so the customer's credential is in no history.
	SurveyID string `json:",omitempty"`
	// Resume asks only to finish the deliveries of this notice that an earlier
	// attempt began and left unsettled, and to start none (see resume). Only
	// EventKey and ComplaintID matter then.
	Resume bool `json:",omitempty"`
}

// recordTimeout bounds recording a send's outcome, which runs even when the
// activity's context has ended: a message that went out must be marked sent.
const recordTimeout = 5 * time.Second

// Notify delivers the notice on each channel that reaches the recipient: e-mail
// and webhook for a person who has those addresses and whose channel is configured,
// e-mail for the customer, the log otherwise; a notice to the customer also goes to
// the callback of the intake integration the complaint was filed through (see callback). Each channel is one delivery, recorded
// in PostgreSQL under the key EventKey|Recipient|channel and sent at most once
// however often the activity is retried or runs concurrently with itself. A
// delivery whose outcome is unknown (the worker died mid-send) is sent again with
// the same key on the webhook, whose receivers deduplicate on it, and never again
// by e-mail: that row is marked uncertain.
//
// Notify returns a retryable error while a delivery may still succeed, the
// non-retryable ErrTypeNotificationFailed once one cannot, and nil when every
// delivery is sent (or uncertain). Notices to staff never show the customer's
// phone, e-mail or address, and end with a deep link into the web console (see
// consoleLink); the customer's and the intake callback's do not.
func (a *Activities) Notify(ctx context.Context, n Notice) error {
	if n.Resume {
		return a.resume(ctx, n.ComplaintID, n.EventKey)
	}
	personID := n.Recipient
	if personID == CustomerRecipient {
		personID = ""
	}
	contacts, err := a.Notifications.NotificationContacts(ctx, n.ComplaintID, personID)
	if err == nil && n.FeedbackID != "" && n.Recipient == CustomerRecipient {
		contacts, err = a.Notifications.FeedbackContacts(ctx, n.FeedbackID)
	}
	if err != nil {
		return err
	}
	if n, err = a.render(ctx, n, contacts); err != nil {
		return err
	}
	link, err := a.consoleLink(ctx, n)
	if err != nil {
		return err
	}
	ds := a.deliveries(n, contacts, link)
	if n.ComplaintID != "" && (n.Recipient == CustomerRecipient || n.EventKind == complaint.EventEscalationDecision) {
		// What the customer is told, the intake system they came through is told too;
		// of an escalation decision, whoever is told of it first (see callback).
		cb, ok, err := a.callback(ctx, n)
		if err != nil {
			return err
		}
		if ok {
			ds = append(ds, cb)
		}
	}
	return a.deliverAll(ctx, ds)
}

// resume finishes the deliveries of notices that an attempt began and that no
// attempt of the notice itself will finish: the workflow task that sent it died
// before Temporal recorded it, and the task's redo decided not to send the notice
// (a warning superseded in the redo's wake-up). Each unsettled row goes through
// its state machine as any retry's would — a stale one sent again where the
// channel's receivers deduplicate, else marked uncertain; a fresh one waited for
// — rebuilt from the row, which holds what the first attempt meant to send.
// Nothing is started: a notice no attempt began stays unsent. Staff notices only:
// a customer's row holds the address masked.
func (a *Activities) resume(ctx context.Context, complaintID string, eventKeys ...string) error {
	rows, err := a.Notifications.UnsettledNotifications(ctx, complaintID, eventKeys)
	if err != nil || len(rows) == 0 {
		return err
	}
	ds := make([]delivery, 0, len(rows))
	for _, row := range rows {
		d, ok, err := a.fromRow(ctx, row)
		if err != nil {
			return err
		}
		if !ok {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("notification %s cannot be resumed from its row", row.IdempotencyKey), ErrTypeNotificationFailed, nil)
		}
		ds = append(ds, d)
	}
	return a.deliverAll(ctx, ds)
}

// fromRow rebuilds a delivery from its row, which holds what the attempt that
// began it meant to send; false where the row does not hold enough: a customer's
// (its address is kept masked) or one on a channel rowChannel lacks. A webhook's
// key is not in the row: it is the person's as they hold it now, as for any retry;
// so a webhook whose address is no longer the row's (changed or removed since) is
// not sent: that key may not be the one the old receiver checks, nor the person
// still the one it serves. Its delivery settles the row as failed, saying so.
func (a *Activities) fromRow(ctx context.Context, row notify.Notification) (delivery, bool, error) {
	channel := a.rowChannel(row.Channel)
	if channel == nil || row.Recipient == CustomerRecipient {
		return delivery{}, false, nil
	}
	msg := notify.Message{
		Key: row.IdempotencyKey, ComplaintID: null.Value(row.ComplaintID), EventKind: row.EventKind, Recipient: row.Recipient,
		Address: null.Value(row.Address), Subject: row.Subject, Body: row.Body,
	}
	if row.Channel == notify.ChannelWebhook {
		hook, err := a.Notifications.PersonWebhook(ctx, row.Recipient)
		if err != nil {
			return delivery{}, false, err
		}
		if hook.PersonWebhookURL != msg.Address {
			channel = webhookChanged{channel}
		}
		signWebhook(&msg, hook)
	}
	return delivery{channel: channel, msg: msg, row: row}, true, nil
}

// signWebhook gives m the keys that sign the webhooks of the person of c: their
// own and, for a while after a rotation, the one it replaced.
func signWebhook(m *notify.Message, c notify.Contacts) {
	m.Secret = []byte(c.PersonWebhookSecret)
	m.PreviousSecret, m.PreviousUntil = []byte(c.PersonWebhookPreviousSecret), null.Value(c.PersonWebhookPreviousUntil)
}

// webhookChanged stands in for the webhook channel on a row whose address is no
// longer the person's webhook: its send fails for good, naming why.
type webhookChanged struct{ notify.Notifier }

// Resendable as the webhook is: a stale row is claimed, not given up, so it says why.
func (webhookChanged) Resendable() bool { return true }

func (webhookChanged) Send(_ context.Context, m notify.Message) error {
	return notify.Permanent(fmt.Errorf("webhook of %s changed since this notice was begun (another address, or none): "+
		"not sent to the address it was meant for", m.Recipient))
}

// rowChannel is the channel that sends a delivery rebuilt from a row on name: the
// log always, another only if this worker has it, never the callback, whose secret
// is the integration's and not in the row.
func (a *Activities) rowChannel(name string) notify.Notifier {
	switch name {
	case notify.ChannelLog:
		return a.logNotifier()
	case notify.ChannelCallback:
		return nil
	}
	return a.notifier(name)
}

// deliverAll runs the deliveries together and says what is left: a retryable error
// while one may still succeed, the non-retryable ErrTypeNotificationFailed once one
// cannot, nil when all are done.
func (a *Activities) deliverAll(ctx context.Context, ds []delivery) error {
	info := activity.GetInfo(ctx)
	errs := make([]error, len(ds))
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Go(func() { _, errs[i] = a.deliver(ctx, activity.GetLogger(ctx), d, staleAfter(info), lastAttempt(info)) })
	}
	wg.Wait()

	var retry, failed []error
	for _, err := range errs {
		switch {
		case err == nil:
		case notify.IsPermanent(err):
			failed = append(failed, err)
		default:
			retry = append(retry, err)
		}
	}
	return settle(retry, failed)
}

// settle is what a set of deliveries or notices leaves to do: retry while any may
// still succeed — only waiting (ErrTypeNotificationInFlight) when every open one is
// another attempt's — else fail, non-retryably, if any failed for good.
func settle(retry, failed []error) error {
	if len(retry) > 0 {
		joined := errors.Join(retry...)
		for _, err := range retry {
			if !inFlight(err) {
				return joined
			}
		}
		return temporal.NewApplicationError(joined.Error(), ErrTypeNotificationInFlight)
	}
	if len(failed) > 0 {
		return temporal.NewNonRetryableApplicationError(errors.Join(failed...).Error(), ErrTypeNotificationFailed, nil)
	}
	return nil
}

// inFlight reports whether err says only that another attempt holds the delivery.
func inFlight(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == ErrTypeNotificationInFlight
}

// delivery is a notice on one channel.
type delivery struct {
	channel notify.Notifier
	msg     notify.Message
	row     notify.Notification
	// mask, when set, is applied to what is sent (not to the row): a customer's
	// notice that falls back to the log.
	mask func(string) string
}

// consoleLinkKinds are the notices that ask their recipient for an escalation
// decision: their link opens the decision rather than the complaint.
var consoleLinkKinds = []complaint.EventKind{
	complaint.EventEscalationRequest, complaint.EventEscalationMovedUp, complaint.EventEscalationOverdue,
}

// consoleLink is where a staff notice sends its reader in the web console: the
// decision an escalation notice asks for, the complaint, the risk alert or the
// review. It is empty for the customer, for a notice about none and when no public base URL
// is set. It depends only on the notice and recorded events, so every retry builds
// the same body.
func (a *Activities) consoleLink(ctx context.Context, n Notice) (string, error) {
	base := strings.TrimRight(a.SurveyLinks.BaseURL, "/")
	if base == "" || n.Recipient == CustomerRecipient {
		return "", nil
	}
	if n.AlertID != "" {
		return fmt.Sprintf("%s/console/risk/%s", base, url.PathEscape(n.AlertID)), nil
	}
	if n.ReviewID != "" {
		// The review on the reviews page, by its anchor.
		return fmt.Sprintf("%s/console/reviews#review-%s", base, url.PathEscape(n.ReviewID)), nil
	}
	if n.ComplaintID == "" {
		return "", nil
	}
	if slices.Contains(consoleLinkKinds, n.EventKind) {
		seq, ok, err := a.Notifications.EscalationSeq(ctx, n.ComplaintID, n.EventKey)
		if err != nil {
			return "", err
		}
		if ok {
			// The inbox's entry for it, by its anchor: the decision form is there
			// for whoever may decide, and nowhere for anyone else.
			return fmt.Sprintf("%s/console/escalations#esc-%s-%d", base, url.PathEscape(n.ComplaintID), seq), nil
		}
	}
	return fmt.Sprintf("%s/console/complaints/%s", base, url.PathEscape(n.ComplaintID)), nil
}

// deliveries routes the notice to its channels, masks what staff must not see and
// ends a staff notice's body with its console link.
func (a *Activities) deliveries(n Notice, c notify.Contacts, link string) []delivery {
	subject, body := n.Subject, n.Body
	if n.Recipient != CustomerRecipient {
		subject, body = maskCustomer(subject, c), maskCustomer(body, c)
	}
	if link != "" {
		// Appended after masking: the link holds no customer data, and masking
		// must not mangle it.
		body += "\n\nOpen in the console: " + link
	}
	type target struct {
		channel notify.Notifier
		address string
	}
	var targets []target
	add := func(channel, address string) {
		if ch := a.notifier(channel); ch != nil && address != "" {
			targets = append(targets, target{ch, address})
		}
	}
	if n.Recipient == CustomerRecipient {
		add(notify.ChannelEmail, c.CustomerEmail)
	} else {
		add(notify.ChannelEmail, c.PersonEmail)
		// The person's own keys, as they hold them now (signWebhook): a retry after a
		// rotation signs with the new key, the one their receiver then checks, and
		// with the replaced one beside it while its window lasts. With no key to sign
		// (none of their own, no shared one) they are not reached by webhook at all,
		// as before people had keys: no row, no failure (the worker warns of them at
		// start, service.WarnUnkeyedWebhooks).
		if signs(a.notifier(notify.ChannelWebhook), c.PersonWebhookSecret) {
			add(notify.ChannelWebhook, c.PersonWebhookURL)
		}
	}
	var mask func(string) string
	if len(targets) == 0 {
		if n.Recipient == CustomerRecipient {
			// Written to the log, which operators read: masked as for staff, the
			// customer's name too ("Dear 王芳" is the customer's to read, not the
			// log's). The row keeps the text, as for the customer's other notices.
			mask = func(s string) string { return maskForLog(s, c) }
		}
		targets = append(targets, target{a.logNotifier(), ""})
	}

	ds := make([]delivery, 0, len(targets))
	for _, t := range targets {
		key := n.EventKey + "|" + n.Recipient + "|" + t.channel.Channel()
		stored := t.address
		if n.Recipient == CustomerRecipient && stored != "" {
			stored = privacy.Email(stored) // the row is read by staff
		}
		msg := notify.Message{
			Key: key, ComplaintID: n.ComplaintID, EventKind: string(n.EventKind), Recipient: n.Recipient,
			Address: t.address, Subject: subject, Body: body,
		}
		if t.channel.Channel() == notify.ChannelWebhook {
			signWebhook(&msg, c)
		}
		ds = append(ds, delivery{
			channel: t.channel,
			mask:    mask,
			msg:     msg,
			row: notify.Notification{
				IdempotencyKey: key,
				ComplaintID:    null.IfEmpty(n.ComplaintID),
				EventKind:      string(n.EventKind),
				Recipient:      n.Recipient,
				Channel:        t.channel.Channel(),
				Address:        null.IfEmpty(stored),
				Subject:        subject,
				Body:           body,
			},
		})
	}
	return ds
}

// deliver runs one delivery through its row's state machine (see
// notify.NotificationStatus). It returns nil when there is nothing left to do, an
// error marked notify.Permanent when the delivery failed for good, and any other
// error when a retry of the activity should try again; and whether this call
// changed the row (claimed it, or gave it up as uncertain) rather than finding it
// another attempt's or finished.
func (a *Activities) deliver(ctx context.Context, log tlog.Logger, d delivery, stale time.Duration, last bool) (bool, error) {
	key := d.row.IdempotencyKey
	// Staff read the rows: a survey link, the customer's credential, is kept masked.
	d.row.Subject, d.row.Body = survey.MaskLinks(d.row.Subject), survey.MaskLinks(d.row.Body)
	row, claim, err := a.Notifications.ClaimNotification(ctx, d.row, stale, notify.Resendable(d.channel))
	if err != nil {
		return false, err
	}
	if claim != notify.ClaimWon {
		switch row.Status {
		case notify.NotificationSending:
			return false, temporal.NewApplicationError(fmt.Sprintf("notification %s is being sent by another attempt", key), ErrTypeNotificationInFlight)
		case notify.NotificationFailed:
			return false, notify.Permanent(fmt.Errorf("notification %s failed: %s", key, null.Value(row.LastError)))
		case notify.NotificationUncertain:
			log.Warn("notification may or may not have been delivered; not sending it again", "key", key)
		default:
			log.Info("notification already sent", "key", key)
		}
		return claim == notify.ClaimGaveUp, nil
	}

	// What goes out is what the row recorded first, so every attempt of a delivery
	// sends the same words (a callback the same bytes); the row holds survey links
	// masked, and this attempt's own message gives their tokens back.
	d.msg.Subject = survey.RestoreLinks(row.Subject, d.msg.Subject)
	d.msg.Body = survey.RestoreLinks(row.Body, d.msg.Body)
	if d.mask != nil {
		d.msg.Subject, d.msg.Body = d.mask(d.msg.Subject), d.mask(d.msg.Body)
	}
	sendErr := d.channel.Send(ctx, d.msg)
	status, errText := notify.NotificationSent, ""
	if sendErr != nil {
		// Errors may quote an address back (SMTP "550 <li.lei@…> unknown"): they are
		// stored, logged and kept in Temporal's history only masked.
		errText = privacy.Text(sendErr.Error())
		switch {
		case notify.IsUncertain(sendErr):
			status = notify.NotificationUncertain
		case notify.IsPermanent(sendErr) || last:
			status = notify.NotificationFailed
		default:
			status = notify.NotificationPending
		}
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if a.Sends != nil {
		a.Sends(row.Channel, RecipientKind(row.Channel, row.Recipient), string(status))
	}
	if ok, err := a.Notifications.FinishNotification(rctx, key, row.Attempts, status, errText, a.now()); err != nil {
		// The row stays in sending; a later attempt finds it stale and resolves it.
		return true, err
	} else if !ok {
		log.Warn("notification was taken over by another attempt", "key", key)
	}

	switch status {
	case notify.NotificationSent:
		return true, nil
	case notify.NotificationUncertain:
		log.Warn("notification may or may not have been delivered; not sending it again", "key", key, "error", errText)
		return true, nil
	case notify.NotificationFailed:
		log.Error("notification failed", "key", key, "attempt", row.Attempts, "error", errText)
		return true, notify.Permanent(fmt.Errorf("notification %s: %s", key, errText))
	default:
		return true, fmt.Errorf("notification %s: %s", key, errText)
	}
}

// logNotifier is the log channel, which reaches whoever no other channel does: the
// configured one, else the default logger.
func (a *Activities) logNotifier() notify.Notifier {
	if log := a.notifier(notify.ChannelLog); log != nil {
		return log
	}
	return notify.Log{Logger: slog.Default()}
}

// signs reports whether channel signs a post to a recipient holding key: true for
// channels that do not say (a test's stand-in).
func signs(channel notify.Notifier, key string) bool {
	s, ok := channel.(interface{ Signs(own []byte) bool })
	return !ok || s.Signs([]byte(key))
}

func (a *Activities) notifier(channel string) notify.Notifier {
	for _, n := range a.Notifiers {
		if n.Channel() == channel {
			return n
		}
	}
	return nil
}

// maskCustomer is what a notice to staff may say of the customer (privacy.Staff):
// reads and notices follow one rule.
func maskCustomer(s string, c notify.Contacts) string {
	return privacy.Staff(s, privacy.Contacts{Phone: c.CustomerPhone, Email: c.CustomerEmail, Address: c.CustomerAddress})
}

// maskForLog is maskCustomer with the customer's name masked too: a customer's own
// notice names them, and the log is no place for it.
func maskForLog(s string, c notify.Contacts) string {
	return privacy.OwnNotice(s, privacy.Contacts{Name: c.CustomerName, Phone: c.CustomerPhone, Email: c.CustomerEmail,
		Address: c.CustomerAddress})
}

// lastAttempt reports whether Temporal will not retry this attempt. Without a
// retry policy in the task (older servers, the SDK's test environment), it assumes
// it will.
func lastAttempt(info activity.Info) bool {
	p := info.RetryPolicy
	return p != nil && p.MaximumAttempts > 0 && info.Attempt >= p.MaximumAttempts
}

// staleAfter is how long a delivery may stay in sending before the attempt that
// claimed it is surely gone: an attempt's context ends at its deadline, which ends
// its send, and it then has recordTimeout to record the outcome. The row's age is
// measured by PostgreSQL's clock alone, so worker clocks do not matter.
func staleAfter(info activity.Info) time.Duration {
	attempt := info.Deadline.Sub(info.StartedTime)
	if attempt <= 0 {
		attempt = time.Minute
	}
	return attempt + recordTimeout + 5*time.Second
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}
