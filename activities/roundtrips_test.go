package activities_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

// pgCounter is a TCP proxy in front of PostgreSQL that counts the round trips
// clients make: a simple query ('Q') or the Sync ('S') ending an extended-protocol
// statement (lib/pq sends Parse, Bind, Describe, Execute and Sync together). BEGIN and
// COMMIT are round trips of their own. A client call has been counted in full by
// the time it returns, since the server answers only what the proxy passed on.
type pgCounter struct {
	n atomic.Int64
}

// proxy starts the counter in front of dsn's server and returns the DSN through it.
func (c *pgCounter) proxy(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	upstream := u.Host
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			client, err := l.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", upstream)
			if err != nil {
				client.Close()
				continue
			}
			go func() { _, _ = io.Copy(client, server); client.Close() }()
			go func() { c.forward(client, server); server.Close() }()
		}
	}()
	u.Host = l.Addr().String()
	return u.String()
}

// forward passes the client's messages on, counting round trips.
func (c *pgCounter) forward(client io.Reader, server io.Writer) {
	r := bufio.NewReader(client)
	// The startup message has no type byte.
	var length [4]byte
	if _, err := io.ReadFull(r, length[:]); err != nil {
		return
	}
	startup := make([]byte, binary.BigEndian.Uint32(length[:])-4)
	if _, err := io.ReadFull(r, startup); err != nil {
		return
	}
	if _, err := server.Write(append(length[:], startup...)); err != nil {
		return
	}
	for {
		var head [5]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint32(head[1:])-4)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		if head[0] == 'Q' || head[0] == 'S' {
			c.n.Add(1)
		}
		if _, err := server.Write(append(head[:], body...)); err != nil {
			return
		}
	}
}

// since returns the round trips counted since the last call.
func (c *pgCounter) since() int64 { return c.n.Swap(0) }

// counted is a fresh database behind a round-trip counter, and activities on it
// that deliver through n.
func counted(t *testing.T, n notify.Notifier) (*pgCounter, *store.Store, *testsuite.TestActivityEnvironment, *activities.Activities) {
	t.Helper()
	pg := &pgCounter{}
	st, err := store.Open(context.Background(), pg.proxy(t, testenv.NewDatabase(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	a := &activities.Activities{Store: st, Notifications: st, Notifiers: []notify.Notifier{n}}
	env.RegisterActivity(a)
	return pg, st, env, a
}

// A wake-up that fires a warning, a breach and a ladder step writes their events in
// one round trip to PostgreSQL (RecordEvent took a transaction of three or four
// each), applies them to the complaint's row, and a retry doubles nothing. The
// figures are logged for docs/performance.md. Counted once the statement is
// prepared on the connection, as it is after a connection's first wake-up: that
// first one takes a second round trip to prepare it (internal/store/stmtcache.go).
func TestFiredMarksAreRecordedInOneRoundTrip(t *testing.T) {
	ctx := context.Background()
	pg, st, env, a := counted(t, &countingNotifier{})
	at := time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)
	marks := func(c store.Complaint) []complaint.Event {
		return []complaint.Event{
			{ComplaintID: c.ID, Key: c.WorkflowID + "/sla_warning/1", Kind: complaint.EventSLAWarning, Actor: "system", At: at,
				Clock: complaint.ClockResolution, Percent: 90, DueAt: at.Add(time.Hour)},
			{ComplaintID: c.ID, Key: c.WorkflowID + "/sla_breached/1", Kind: complaint.EventSLABreached, Actor: "system", At: at,
				Clock: complaint.ClockFirstResponse, DueAt: at},
			{ComplaintID: c.ID, Key: c.WorkflowID + "/sla_escalated/1", Kind: complaint.EventSLAEscalated, Actor: "system", At: at,
				Clock: complaint.ClockFirstResponse, DueAt: at, Level: 1, Recipient: "lee"},
		}
	}
	type row struct {
		FirstResponseBreached bool `db:"first_response_breached"`
		ResolutionBreached    bool `db:"resolution_breached"`
		EscalationLevel       int  `db:"escalation_level"`
		Events                int  `db:"events"`
	}
	rowOf := func(c store.Complaint) row {
		var r row
		if err := st.DB().GetContext(ctx, &r, `SELECT first_response_breached, resolution_breached, escalation_level,
			(SELECT count(*) FROM complaint_events WHERE complaint_id = $1 AND kind LIKE 'sla_%') AS events
			FROM complaints WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		return r
	}
	want := row{FirstResponseBreached: true, EscalationLevel: 1, Events: 3}

	// One event at a time, as executions of revision 0 still write them.
	one := fileComplaint(t, st, nil)
	pg.since()
	for _, e := range marks(one) {
		if _, err := env.ExecuteActivity(a.RecordEvent, e); err != nil {
			t.Fatal(err)
		}
	}
	each := pg.since()
	if got := rowOf(one); got != want {
		t.Fatalf("one at a time: %+v, want %+v", got, want)
	}

	// The test's calls run one at a time, on the pool's one connection.
	if _, err := env.ExecuteActivity(a.RecordMarks, marks(fileComplaint(t, st, nil))); err != nil {
		t.Fatal(err)
	}
	together := fileComplaint(t, st, nil)
	pg.since()
	if _, err := env.ExecuteActivity(a.RecordMarks, marks(together)); err != nil {
		t.Fatal(err)
	}
	if got := pg.since(); got != 1 {
		t.Fatalf("RecordMarks of 3 events took %d round trips, want 1", got)
	}
	if got := rowOf(together); got != want {
		t.Fatalf("together: %+v, want %+v", got, want)
	}
	// A retried activity finds every key recorded: nothing doubles, nothing moves.
	if _, err := env.ExecuteActivity(a.RecordMarks, marks(together)); err != nil {
		t.Fatal(err)
	}
	if got := rowOf(together); got != want {
		t.Fatalf("after a retry: %+v, want %+v", got, want)
	}
	pg.since()

	// The notices of the wake-up, for the record: one NotifyAll, statements per notice.
	var notices []activities.Notice
	for _, e := range marks(together) {
		notices = append(notices, activities.Notice{ComplaintID: together.ID, EventKey: e.Key, EventKind: e.Kind,
			Recipient: "lee", Subject: string(e.Kind), Body: "body"})
	}
	if _, err := env.ExecuteActivity(a.NotifyAll, notices); err != nil {
		t.Fatal(err)
	}
	notify := pg.since()
	var rows int
	if err := st.DB().GetContext(ctx, &rows, `SELECT count(*) FROM notifications WHERE complaint_id = $1`, together.ID); err != nil || rows != 3 {
		t.Fatalf("%d notification rows (%v), want 3", rows, err)
	}
	t.Logf("round trips to PostgreSQL for a warning, a breach and a ladder step: RecordEvent one at a time %d, RecordMarks 1; their 3 notices (NotifyAll) %d",
		each, notify)
	if each <= 1 {
		t.Fatalf("RecordEvent one at a time took %d round trips; the proxy counts nothing", each)
	}
}

// A late wake-up's superseded warnings ask to resume their notices: NotifyAll looks
// them up together, one round trip for the complaint however many there are, and
// with none begun (nearly always) does nothing more — the shedding stays cheap. One
// a killed attempt began is finished.
func TestSupersededWarningsAreLookedUpInOneRoundTrip(t *testing.T) {
	ctx := context.Background()
	sent := &countingNotifier{}
	pg, st, env, a := counted(t, sent)
	resumes := func(c store.Complaint) []activities.Notice {
		var ns []activities.Notice
		for i := range 3 {
			ns = append(ns, activities.Notice{ComplaintID: c.ID, EventKey: fmt.Sprintf("%s/sla_warning/%d", c.WorkflowID, i+1),
				EventKind: complaint.EventSLAWarning, Recipient: "ann", Resume: true})
		}
		return ns
	}
	// The first call prepares the statement on the pool's connection.
	if _, err := env.ExecuteActivity(a.NotifyAll, resumes(fileComplaint(t, st, nil))); err != nil {
		t.Fatal(err)
	}
	c := fileComplaint(t, st, nil)
	pg.since()
	if _, err := env.ExecuteActivity(a.NotifyAll, resumes(c)); err != nil {
		t.Fatal(err)
	}
	if got := pg.since(); got != 1 {
		t.Errorf("three superseded warnings, none begun: %d round trips, want 1", got)
	}
	if sent.sends.Load() != 0 {
		t.Fatalf("%d notices sent for warnings nobody began", sent.sends.Load())
	}

	// The second warning's delivery was begun by an attempt whose send failed, and
	// that attempt's task died before Temporal recorded it.
	key := c.WorkflowID + "/sla_warning/2|ann|test"
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO notifications (idempotency_key, complaint_id, event_kind, recipient,
			channel, subject, body, status, attempts, updated_at)
		VALUES ($1, $2, 'sla_warning', 'ann', 'test', 's', 'b', 'pending', 1, now())`, key, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.ExecuteActivity(a.NotifyAll, resumes(c)); err != nil {
		t.Fatal(err)
	}
	var status string
	if err := st.DB().GetContext(ctx, &status, `SELECT status FROM notifications WHERE idempotency_key = $1`, key); err != nil || status != "sent" || sent.sends.Load() != 1 {
		t.Errorf("the begun warning: %s (%v), %d sent; want sent once", status, err, sent.sends.Load())
	}
}
