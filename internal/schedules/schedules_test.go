package schedules_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
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

// fixture is a store on a fresh database, a Temporal client, and a monthly
// planning schedule's row (ID prefixed by name, unique per run) with its spec.
type fixture struct {
	st   *store.Store
	tc   client.Client
	row  store.ReviewSchedule
	spec *cron.SpecSchedule
}

func newFixture(t *testing.T, name, note string) fixture {
	t.Helper()
	st, err := store.Open(context.Background(), testenv.NewDatabase(t))
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
	spec, err := quality.ParseSpec("0 9 1 * *", "Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	id := name + "-" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	return fixture{st: st, tc: tc, spec: spec, row: store.ReviewSchedule{ID: id, Kind: quality.MonthlyPlanning,
		CronSpec: "0 9 1 * *", TimeZone: "Asia/Shanghai", Note: note, CreatedBy: "test", UpdatedBy: "test"}}
}

// describe is Temporal's view of the fixture's schedule.
func (f fixture) describe() (*client.ScheduleDescription, error) {
	ctx := context.Background()
	return f.tc.ScheduleClient().GetHandle(ctx, workflows.ReviewScheduleID(f.row.ID)).Describe(ctx)
}

// When the row's commit fails after Temporal changed, the change is rolled back in
// Temporal too: a create's schedule is deleted, an update's note and pause restored.
func TestAFailedCommitRollsTheTemporalScheduleBack(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "rollback", "fail-commit")
	st, row, spec, id, describe := f.st, f.row, f.spec, f.row.ID, f.describe
	sync := schedules.New(st, f.tc, "schedules-test", slog.New(slog.DiscardHandler))
	failingCommits(t, st)

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

// lossy is a Temporal client whose schedule calls named in fail are made but
// answered with an error, as a call whose answer is lost at a deadline is (create),
// or refused after an earlier call of the same change went through (pause).
type lossy struct {
	client.Client
	fail string
}

func (l lossy) ScheduleClient() client.ScheduleClient {
	return lossySchedules{l.Client.ScheduleClient(), l.fail}
}

type lossySchedules struct {
	client.ScheduleClient
	fail string
}

func (l lossySchedules) Create(ctx context.Context, opts client.ScheduleOptions) (client.ScheduleHandle, error) {
	h, err := l.ScheduleClient.Create(ctx, opts)
	if err == nil && l.fail == "create" {
		return nil, errors.New("the answer was lost")
	}
	return h, err
}

func (l lossySchedules) GetHandle(ctx context.Context, id string) client.ScheduleHandle {
	return lossyHandle{l.ScheduleClient.GetHandle(ctx, id), l.fail}
}

type lossyHandle struct {
	client.ScheduleHandle
	fail string
}

func (h lossyHandle) Pause(ctx context.Context, opts client.SchedulePauseOptions) error {
	if h.fail == "pause" {
		return errors.New("pause refused")
	}
	return h.ScheduleHandle.Pause(ctx, opts)
}

// When the Temporal step itself fails after Temporal made some of it, Temporal goes
// back to what the row (which does not commit) says: a create whose answer was lost
// leaves no schedule, an update whose pause failed after its spec went through has
// the spec and the unpaused state back.
func TestAFailedTemporalStepLeavesTemporalAsTheRow(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "lossy", "monthly planning")
	st, tc, row, spec, id, describe := f.st, f.tc, f.row, f.spec, f.row.ID, f.describe
	quiet := slog.New(slog.DiscardHandler)

	if _, _, err := schedules.New(st, lossy{tc, "create"}, "schedules-test", quiet).Create(ctx, row, spec); err == nil {
		t.Fatal("the create succeeded although Temporal's answer was lost")
	}
	var notFound *serviceerror.NotFound
	if _, err := describe(); !errors.As(err, &notFound) {
		t.Fatalf("after a create whose answer was lost, Temporal's schedule: %v, want not found", err)
	}
	if _, err := st.ReviewSchedule(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the row after the failed create: %v, want none", err)
	}

	if _, created, err := schedules.New(st, tc, "schedules-test", quiet).Create(ctx, row, spec); err != nil || !created {
		t.Fatalf("create: %v, created %v", err, created)
	}
	t.Cleanup(func() { _ = schedules.New(st, tc, "schedules-test", quiet).Delete(context.Background(), id, nil) })
	before, err := describe()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schedules.New(st, lossy{tc, "pause"}, "schedules-test", quiet).Update(ctx, id, func(old store.ReviewSchedule) (store.ReviewSchedule, error) {
		old.CronSpec, old.Paused, old.UpdatedBy = "0 9 15 * *", true, "test"
		return old, nil
	}); err == nil {
		t.Fatal("the update succeeded although its pause failed")
	}
	after, err := describe()
	if err != nil {
		t.Fatal(err)
	}
	if specOf := func(d *client.ScheduleDescription) string { return fmt.Sprintf("%+v", *d.Schedule.Spec) }; after.Schedule.State.Paused || specOf(after) != specOf(before) {
		t.Fatalf("after an update whose pause failed, Temporal's schedule: paused %v, spec %s; want unpaused, spec %s",
			after.Schedule.State.Paused, specOf(after), specOf(before))
	}
	if saved, err := st.ReviewSchedule(ctx, id); err != nil || saved.Paused || saved.CronSpec != "0 9 1 * *" {
		t.Fatalf("the row: %+v, %v; want it unchanged", saved, err)
	}
}
