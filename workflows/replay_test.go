package workflows_test

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

// TestReplayRecordedHistories replays histories recorded from a real Temporal server
// (internal/e2e writes them with RECORD_HISTORIES=1). A change to workflow code that
// would break complaints already running fails here: guard it with
// workflow.GetVersion, then record a new history next to the old ones.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories in testdata/")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			// Histories recorded since payloads are encrypted need the tests' key;
			// those recorded before are plaintext, which the codec passes through.
			keys := testenv.PayloadCodec()
			replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
				DataConverter: keys.DataConverter(), FailureConverter: keys.FailureConverter(),
			})
			if err != nil {
				t.Fatal(err)
			}
			workflows.Register(replayer)
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, file); err != nil {
				t.Fatalf("replay of %s failed: %v", file, err)
			}
		})
	}
}
