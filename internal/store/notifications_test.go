package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
	"github.com/complaintflow/complaintflow/migrations"
)

func notification(key string) notify.Notification {
	return notify.Notification{IdempotencyKey: key, EventKind: "sla_breached", Recipient: "ann", Channel: "email",
		Address: new("ann@example.com"), Subject: "s", Body: "b"}
}

const stale = time.Minute

func claim(t *testing.T, st *store.Store, n notify.Notification, resend bool) (notify.Notification, notify.Claim) {
	t.Helper()
	got, claimed, err := st.ClaimNotification(context.Background(), n, stale, resend)
	if err != nil {
		t.Fatal(err)
	}
	return got, claimed
}

func finish(t *testing.T, st *store.Store, key string, attempt int, status notify.NotificationStatus, lastError string) bool {
	t.Helper()
	ok, err := st.FinishNotification(context.Background(), key, attempt, status, lastError, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestNotificationDeliveryStates(t *testing.T) {
	st := newStore(t)
	n := notification("k1")

	got, claimed := claim(t, st, n, false)
	if claimed != notify.ClaimWon || got.Status != notify.NotificationSending || got.Attempts != 1 || null.Value(got.Address) != "ann@example.com" {
		t.Fatalf("first claim: claimed=%v %+v, want sending, attempt 1", claimed, got)
	}
	// The first attempt writes the row once, already claimed: on this fresh table its
	// only version is the first tuple of the first page (an insert as pending and a
	// claiming update would have left the live version at (0,2)).
	var ctid string
	if err := st.DB().Get(&ctid, `SELECT ctid::text FROM notifications WHERE idempotency_key = 'k1'`); err != nil || ctid != "(0,1)" {
		t.Fatalf("first claim left the row at %s (%v), want one version at (0,1)", ctid, err)
	}
	if got, claimed := claim(t, st, n, true); claimed != notify.ClaimNone || got.Status != notify.NotificationSending {
		t.Fatalf("claim while sending: claimed=%v status %s, want not claimed", claimed, got.Status)
	}
	// A retryable failure puts it back for the next attempt.
	if !finish(t, st, "k1", 1, notify.NotificationPending, "451 try later") {
		t.Fatal("finish of the claiming attempt refused")
	}
	got, claimed = claim(t, st, n, false)
	if claimed != notify.ClaimWon || got.Attempts != 2 || null.Value(got.LastError) != "451 try later" {
		t.Fatalf("retry claim: claimed=%v %+v, want attempt 2 with the last error", claimed, got)
	}
	if finish(t, st, "k1", 1, notify.NotificationSent, "") {
		t.Fatal("an attempt that lost its claim finished the row")
	}
	if !finish(t, st, "k1", 2, notify.NotificationSent, "") {
		t.Fatal("finish sent refused")
	}
	for _, resend := range []bool{false, true} {
		if got, claimed := claim(t, st, n, resend); claimed != notify.ClaimNone || got.Status != notify.NotificationSent || got.SentAt == nil || got.Attempts != 2 {
			t.Fatalf("claim after sent: claimed=%v %+v, want nothing to do", claimed, got)
		}
	}

	failed := notification("k2")
	claim(t, st, failed, false)
	finish(t, st, "k2", 1, notify.NotificationFailed, "550 no such user")
	if got, claimed := claim(t, st, failed, true); claimed != notify.ClaimNone || got.Status != notify.NotificationFailed || null.Value(got.LastError) != "550 no such user" {
		t.Fatalf("claim after failed: claimed=%v %+v", claimed, got)
	}
}

// A row left in sending by an attempt that died: resent only by channels whose
// receivers deduplicate, otherwise uncertain for good.
func TestStaleSendingNotification(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	for _, key := range []string{"webhook", "email"} {
		claim(t, st, notification(key), false)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE notifications SET updated_at = now() - interval '2 minutes'`); err != nil {
		t.Fatal(err)
	}

	got, claimed := claim(t, st, notification("webhook"), true)
	if claimed != notify.ClaimWon || got.Status != notify.NotificationSending || got.Attempts != 2 {
		t.Fatalf("stale webhook: claimed=%v %+v, want claimed again, attempt 2", claimed, got)
	}
	if finish(t, st, "webhook", 1, notify.NotificationSent, "") || !finish(t, st, "webhook", 2, notify.NotificationSent, "") {
		t.Fatal("only the attempt that retook the row may finish it")
	}

	got, claimed = claim(t, st, notification("email"), false)
	if claimed != notify.ClaimGaveUp || got.Status != notify.NotificationUncertain || got.Attempts != 1 {
		t.Fatalf("stale e-mail: claimed=%v %+v, want uncertain, given up by this claim", claimed, got)
	}
	if finish(t, st, "email", 1, notify.NotificationSent, "") {
		t.Fatal("an uncertain row was finished")
	}
	if got, claimed := claim(t, st, notification("email"), true); claimed != notify.ClaimNone || got.Status != notify.NotificationUncertain {
		t.Fatalf("uncertain is final: claimed=%v status %s", claimed, got.Status)
	}
}

// Notices' unsettled deliveries are their channels' rows still pending or sending,
// and only theirs: not a longer event key that starts the same, nor another
// complaint's.
func TestUnsettledNotifications(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	a, _, err := st.CreateComplaint(ctx, newComplaint("u-a", complaint.High, complaint.Low))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := st.CreateComplaint(ctx, newComplaint("u-b", complaint.High, complaint.Low))
	if err != nil {
		t.Fatal(err)
	}
	event := "complaint:" + a.ID + "/sla_warning/1"
	row := func(complaintID, key string) notify.Notification {
		n := notification(key)
		n.ComplaintID = new(complaintID)
		return n
	}
	// sending: claimed and never finished.
	claim(t, st, row(a.ID, event+"|ann|email"), false)
	// pending: a retryable failure put it back.
	got, _ := claim(t, st, row(a.ID, event+"|ann|webhook"), false)
	finish(t, st, got.IdempotencyKey, got.Attempts, notify.NotificationPending, "503")
	// settled, or another notice's.
	for _, n := range []notify.Notification{row(a.ID, event+"|ann|log"), row(a.ID, event+"0|ann|log"),
		row(a.ID, "complaint:"+a.ID+"/sla_breached/1|ann|log")} {
		got, _ := claim(t, st, n, false)
		finish(t, st, got.IdempotencyKey, got.Attempts, notify.NotificationSent, "")
	}
	claim(t, st, row(a.ID, event+"0|ann|email"), false)
	other := "complaint:" + a.ID + "/sla_warning/2"
	claim(t, st, row(a.ID, other+"|bob|log"), false)
	claim(t, st, row(b.ID, "complaint:"+b.ID+"/sla_warning/1|ann|email"), false)

	ns, err := st.UnsettledNotifications(ctx, a.ID, []string{event, other})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, n := range ns {
		keys = append(keys, n.IdempotencyKey+" "+string(n.Status))
	}
	if want := []string{event + "|ann|email sending", event + "|ann|webhook pending", other + "|bob|log sending"}; !slices.Equal(keys, want) {
		t.Errorf("unsettled: %v, want %v", keys, want)
	}
	if ns, err := st.UnsettledNotifications(ctx, b.ID, []string{event}); err != nil || len(ns) != 0 {
		t.Errorf("another complaint's: %v %v, want none", ns, err)
	}
}

// Abandoned deliveries are the unsettled rows nothing touched for the idle time, on
// the channels asked for, to anyone but the recipient left out, oldest first.
func TestAbandonedNotifications(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	row := func(key, recipient, channel string) notify.Notification {
		n := notification(key)
		n.Recipient, n.Channel = recipient, channel
		return n
	}
	claim(t, st, row("old-sending", "ann", "email"), false)
	got, _ := claim(t, st, row("old-pending", "ann", "webhook"), false)
	finish(t, st, got.IdempotencyKey, got.Attempts, notify.NotificationPending, "503")
	got, _ = claim(t, st, row("old-sent", "ann", "email"), false)
	finish(t, st, got.IdempotencyKey, got.Attempts, notify.NotificationSent, "")
	claim(t, st, row("old-customer", "customer", "email"), false)
	claim(t, st, row("old-callback", "intake", "callback"), false)
	if _, err := st.DB().ExecContext(ctx, `UPDATE notifications SET updated_at = now() - interval '4 hours'`); err != nil {
		t.Fatal(err)
	}
	claim(t, st, row("fresh-sending", "ann", "email"), false)

	ns, err := st.AbandonedNotifications(ctx, 3*time.Hour, []string{"email", "webhook", "log"}, "customer", 10)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, n := range ns {
		keys = append(keys, n.IdempotencyKey+" "+string(n.Status))
	}
	if want := []string{"old-sending sending", "old-pending pending"}; !slices.Equal(keys, want) {
		t.Errorf("abandoned: %v, want %v", keys, want)
	}
	if ns, err := st.AbandonedNotifications(ctx, 3*time.Hour, []string{"email", "webhook"}, "customer", 1); err != nil || len(ns) != 1 {
		t.Errorf("limit 1: %d rows, %v", len(ns), err)
	}
}

func TestConcurrentClaimsHaveOneWinner(t *testing.T) {
	st := newStore(t)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, claimed, err := st.ClaimNotification(context.Background(), notification("k"), stale, true)
			if err != nil {
				t.Error(err)
			}
			if claimed == notify.ClaimWon {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d claims won, want 1", wins.Load())
	}
}

func TestNotificationContacts(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	nc := newComplaint("ext-contacts", complaint.High, complaint.High)
	nc.CustomerEmail = new("wang.fang@example.com")
	nc.CustomerAddress = new("北京市朝阳区建国路88号")
	nc.CustomerLocale = "en"
	c, _, err := st.CreateComplaint(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO people (id, name, role, email, webhook_url, active, updated_by) VALUES
		('ann', 'Ann', 'agent', 'ann@example.com', 'https://hooks.example.com/ann', true, 'test'),
		('bob', 'Bob', 'agent', 'bob@example.com', NULL, false, 'test')`); err != nil {
		t.Fatal(err)
	}
	customer := notify.Contacts{CustomerPhone: "+86 138 0013 8000", CustomerEmail: "wang.fang@example.com", CustomerAddress: "北京市朝阳区建国路88号",
		CustomerName: nc.CustomerName, CustomerLocale: "en"}
	for _, tc := range []struct {
		complaintID, personID string
		want                  notify.Contacts
	}{
		{c.ID, "ann", notify.Contacts{PersonEmail: "ann@example.com", PersonWebhookURL: "https://hooks.example.com/ann",
			CustomerPhone: customer.CustomerPhone, CustomerEmail: customer.CustomerEmail, CustomerAddress: customer.CustomerAddress,
			CustomerName: customer.CustomerName, CustomerLocale: customer.CustomerLocale}},
		{c.ID, "bob", customer}, // inactive: reached by no channel
		{c.ID, "unassigned:logistics", customer},
		{c.ID, "", customer},
		{"", "ann", notify.Contacts{PersonEmail: "ann@example.com", PersonWebhookURL: "https://hooks.example.com/ann"}},
		{"", "", notify.Contacts{}},
	} {
		got, err := st.NotificationContacts(ctx, tc.complaintID, tc.personID)
		if err != nil || got != tc.want {
			t.Errorf("NotificationContacts(%q, %q) = %+v, %v; want %+v", tc.complaintID, tc.personID, got, err, tc.want)
		}
	}
}

func TestNotificationPagesFilterAndPage(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	a, _, err := st.CreateComplaint(ctx, newComplaint("n-a", complaint.High, complaint.Low))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := st.CreateComplaint(ctx, newComplaint("n-b", complaint.High, complaint.Low))
	if err != nil {
		t.Fatal(err)
	}
	// key, complaint, recipient, outcome ("" stays pending)
	for _, n := range []struct {
		key       string
		complaint string
		recipient string
		status    notify.NotificationStatus
		lastError string
	}{
		{"k1", a.ID, "ann", notify.NotificationSent, ""},
		{"k2", a.ID, "bob", notify.NotificationFailed, "550 no such user"},
		{"k3", b.ID, "ann", notify.NotificationSent, ""},
		{"k4", b.ID, "customer", "", ""},
		{"k5", a.ID, "ann", notify.NotificationUncertain, ""},
	} {
		nn := notification(n.key)
		nn.ComplaintID, nn.Recipient = new(n.complaint), n.recipient
		if n.status == "" {
			if _, err := st.DB().NamedExec(`INSERT INTO notifications (idempotency_key, complaint_id, event_kind,
				recipient, channel, address, subject, body) VALUES (:idempotency_key, :complaint_id, :event_kind,
				:recipient, :channel, :address, :subject, :body)`, nn); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, _ := claim(t, st, nn, false)
		finish(t, st, n.key, got.Attempts, n.status, n.lastError)
	}
	keys := func(f store.NotificationFilter) [][]string {
		t.Helper()
		var pages [][]string
		for range 5 {
			ns, err := st.NotificationPage(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			page := []string{}
			for _, n := range ns {
				page = append(page, n.IdempotencyKey)
			}
			pages = append(pages, page)
			if len(ns) < f.Limit {
				break
			}
			f.AfterCreatedAt, f.AfterID = ns[len(ns)-1].CreatedAt, ns[len(ns)-1].ID
		}
		return pages
	}
	for _, tc := range []struct {
		name string
		f    store.NotificationFilter
		want [][]string
	}{
		{"all", store.NotificationFilter{Limit: 10}, [][]string{{"k5", "k4", "k3", "k2", "k1"}}},
		{"by complaint", store.NotificationFilter{ComplaintID: a.ID, Limit: 10}, [][]string{{"k5", "k2", "k1"}}},
		{"by recipient, paged", store.NotificationFilter{Recipient: "ann", Limit: 2}, [][]string{{"k5", "k3"}, {"k1"}}},
		{"by statuses", store.NotificationFilter{Statuses: []notify.NotificationStatus{"failed", "pending"}, Limit: 10},
			[][]string{{"k4", "k2"}}},
		{"combined", store.NotificationFilter{ComplaintID: a.ID, Recipient: "ann",
			Statuses: []notify.NotificationStatus{"sent"}, Limit: 10}, [][]string{{"k1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := keys(tc.f); !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("got pages %v, want %v", got, tc.want)
			}
		})
	}
	ns, err := st.NotificationPage(ctx, store.NotificationFilter{Statuses: []notify.NotificationStatus{"failed"}, Limit: 1})
	if err != nil || len(ns) != 1 {
		t.Fatalf("failed notices: %v %v", ns, err)
	}
	if n := ns[0]; n.ID == 0 || n.Attempts != 1 || null.Value(n.LastError) != "550 no such user" || n.Recipient != "bob" {
		t.Errorf("failed notice: got %+v, want id, 1 attempt, its last error, recipient bob", n)
	}
}

// Migration 00026 masks the survey links of rows written before they were masked,
// exactly as survey.MaskLinks does: the next attempt can still restore the token.
func TestMigrationMasksTheSurveyLinksOfOldRows(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 25); err != nil {
		t.Fatal(err)
	}
	token := survey.Sign([]byte("k"), survey.Token{SurveyID: "6f1c6d1e-0000-4000-8000-000000000001", ExpiresAt: time.Unix(1_800_000_000, 0)})
	plain := "Please answer: https://cf.example/v1/surveys/" + token + "\n{\"survey_link\":\"https://cf.example/v1/surveys/" + token + "\"}"
	other := "no link here: /v1/surveys/abc"
	for i, body := range []string{plain, other} {
		if _, err := db.ExecContext(ctx, `INSERT INTO notifications (idempotency_key, event_kind, recipient, channel, subject, body)
			VALUES ($1, 'survey_sent', 'customer', 'email', 's', $2)`, fmt.Sprintf("k%d", i), body); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	if err := db.QueryRowContext(ctx, `SELECT array_agg(body ORDER BY idempotency_key) FROM notifications`).Scan(pq.Array(&bodies)); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || bodies[0] != survey.MaskLinks(plain) || bodies[1] != other {
		t.Fatalf("bodies after the migration %q, want %q and %q unchanged", bodies, survey.MaskLinks(plain), other)
	}
	if survey.RestoreLinks(bodies[0], plain) != plain {
		t.Fatalf("the masked row cannot be restored")
	}
}
