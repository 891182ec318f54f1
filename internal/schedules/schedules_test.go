package schedules_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/schedules"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// failingCommits makes the commit of a review_schedules row whose note is
// "fail-commit" fail, as a lost connection or a serialization failure would: the
// Temporal change is already made by then.
func failingCommits(t *testing.T, st *store.Store) {
	t.Helper()
	for _, q := range []string{
		`CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
		 BEGIN IF NEW.note = 'fail-commit' THEN RAISE EXCEPTION 'commit refused by the test'; END IF; RETURN NEW; END $$`,
		`CREATE CONSTRAINT TRIGGER fail_commit AFTER INSERT OR UPDATE ON review_schedules
		 DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_commit()`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// When the row's commit fails after Temporal changed, the change is rolled back in
// Temporal too: a create's schedule is deleted, an update's note and pause restored.
func TestAFailedCommitRollsTheTemporalScheduleBack(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tc, err := client.Dial(client.Options{HostPort: testenv.Temporal(t), Namespace: "default",
		Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	sync := schedules.New(st, tc, "schedules-test", slog.New(slog.DiscardHandler))
	failingCommits(t, st)
	id := "rollback-" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	spec, err := quality.ParseSpec("0 9 1 * *", "Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	row := store.ReviewSchedule{ID: id, Kind: quality.MonthlyPlanning, CronSpec: "0 9 1 * *", TimeZone: "Asia/Shanghai",
		Note: "fail-commit", CreatedBy: "test", UpdatedBy: "test"}
	describe := func() (*client.ScheduleDescription, error) {
		return tc.ScheduleClient().GetHandle(ctx, workflows.ReviewScheduleID(id)).Describe(ctx)
	}

	if _, _, err := sync.Create(ctx, row, spec); err == nil {
		t.Fatal("the create committed despite the failing commit")
	}
	var notFound *serviceerror.NotFound
	if _, err := describe(); !errors.As(err, &notFound) {
		t.Fatalf("after a failed create, Temporal's schedule: %v, want not found (deleted)", err)
	}

	row.Note = "monthly planning"
	if _, created, err := sync.Create(ctx, row, spec); err != nil || !created {
		t.Fatalf("create: %v, created %v", err, created)
	}
	t.Cleanup(func() { _ = sync.Delete(context.Background(), id, nil) })
	if _, err := sync.Update(ctx, id, func(old store.ReviewSchedule) (store.ReviewSchedule, error) {
		old.Note, old.Paused, old.UpdatedBy = "fail-commit", true, "test"
		return old, nil
	}); err == nil {
		t.Fatal("the update committed despite the failing commit")
	}
	d, err := describe()
	if err != nil {
		t.Fatal(err)
	}
	if d.Schedule.State.Paused || d.Schedule.State.Note != "monthly planning" {
		t.Fatalf("after a failed update, Temporal's schedule: paused %v, note %q; want the old state back",
			d.Schedule.State.Paused, d.Schedule.State.Note)
	}
	saved, err := st.ReviewSchedule(ctx, id)
	if err != nil || saved.Paused || saved.Note != "monthly planning" {
		t.Fatalf("the row: %+v, %v", saved, err)
	}
}
