package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

// checkHistory replays the workflow's real history against the current code, so a
// non-deterministic change fails here first. With RECORD_HISTORIES=1 it also stores
// the history under workflows/testdata, where the replay tests keep it for good.
func (s *stack) checkHistory(workflowID, name string) *historypb.History {
	s.t.Helper()
	ctx := context.Background()
	hist := &historypb.History{}
	iter := s.temporal.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		hist.Events = append(hist.Events, e)
	}
	keys := testenv.PayloadCodec()
	replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
		DataConverter: keys.DataConverter(), FailureConverter: keys.FailureConverter(),
	})
	if err != nil {
		s.t.Fatal(err)
	}
	workflows.Register(replayer)
	if err := replayer.ReplayWorkflowHistory(nil, hist); err != nil {
		s.t.Fatalf("replaying %s: %v", workflowID, err)
	}
	if os.Getenv("RECORD_HISTORIES") == "" {
		return hist
	}
	// A "rev<N>_" recording is kept for executions of revision N still running: a
	// run at a later revision must not overwrite it with one of its own.
	if rev, ok := recordedRevision(name); ok && rev != workflows.CurrentRevision {
		s.t.Logf("not recording %s: it holds revision %d, this run is revision %d", name, rev, workflows.CurrentRevision)
		return hist
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(hist)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "workflows", "testdata", name+".json"), b, 0o644); err != nil {
		s.t.Fatal(err)
	}
	return hist
}

// recordedRevision is N of a "rev<N>_" recording's name.
func recordedRevision(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "rev")
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "_")
	n, err := strconv.Atoi(digits)
	return n, ok && err == nil
}
