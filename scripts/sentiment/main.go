// Command sentiment trains the sentiment model from the labelled data in
// ../shared/data (`make model`) and evaluates the classifier on its held-out rows
// (`make eval-classify`). See docs/classification.md.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/classify/evaluation"
)

func main() {
	mode := flag.String("mode", "eval", "train (write the model file), eval (print the held-out report) or "+
		"validate (train on folds 2–4, print accuracy on fold 1: how the options were chosen)")
	errs := flag.Int("errors", 0, "in eval mode, also list this many misjudged held-out rows per set")
	out := flag.String("out", "internal/classify/sentiment.model.gz", "model file to write in train mode")
	flag.Parse()
	dir, err := evaluation.DataDir()
	if err != nil {
		log.Fatal(err)
	}
	rows, err := evaluation.Load(dir)
	if err != nil {
		log.Fatal(err)
	}
	switch *mode {
	case "train":
		ex := evaluation.TrainingExamples(rows)
		start := time.Now()
		sm, err := classify.TrainSentiment(ex, classify.DefaultTrainOptions)
		if err != nil {
			log.Fatal(err)
		}
		b, err := sm.Encode()
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("trained on %d rows in %s: %s, %d bytes, sha256 %x\n", len(ex), time.Since(start).Round(time.Millisecond), *out, len(b), sha256.Sum256(b))
	case "eval":
		rules, err := evaluation.SeedRules()
		if err != nil {
			log.Fatal(err)
		}
		c, err := classify.New(rules)
		if err != nil {
			log.Fatal(err)
		}
		took, err := classify.WarmSentiment()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("sentiment model loaded in %s\n\n", took.Round(time.Millisecond))
		evaluation.Print(os.Stdout, evaluation.Evaluate(c, rows))
		if *errs > 0 {
			listErrors(c, rows, *errs)
		}
	case "validate":
		validate(rows)
	default:
		log.Fatalf("unknown mode %q", *mode)
	}
}

// listErrors prints held-out rows whose polarity the classifier got wrong.
func listErrors(c *classify.Classifier, rows []evaluation.Row, n int) {
	shown := map[string]int{}
	for _, r := range rows {
		if !r.HeldOut() || shown[r.Set] >= n {
			continue
		}
		s := c.Classify(r.Text).Sentiment
		if (s.Score > 0) != r.Positive {
			shown[r.Set]++
			fmt.Printf("%s %s labelled positive=%t, score %+.2f: %.120s\n", r.Set, r.ID, r.Positive, s.Score, r.Text)
		}
	}
}

// validate trains on folds 2–4 and reports accuracy on fold 1, never touching the
// held-out fold 0: the options and features were compared this way.
func validate(rows []evaluation.Row) {
	var train []classify.Example
	for _, r := range rows {
		if r.Fold() > 1 && r.Set != evaluation.SetCFPB {
			train = append(train, classify.Example{Text: r.Text, Positive: r.Positive})
		}
	}
	sm, err := classify.TrainSentiment(train, classify.DefaultTrainOptions)
	if err != nil {
		log.Fatal(err)
	}
	right, all := map[string]int{}, map[string]int{}
	for _, r := range rows {
		if r.Fold() != 1 {
			continue
		}
		all[r.Set]++
		if (sm.Score(r.Text) > 0) == r.Positive {
			right[r.Set]++
		}
	}
	fmt.Printf("options %+v, trained on %d rows of folds 2–4\n", classify.DefaultTrainOptions, len(train))
	for _, set := range evaluation.Sets {
		fmt.Printf("%-22s fold 1: %d rows, accuracy %.3f\n", set, all[set], float64(right[set])/float64(max(all[set], 1)))
	}
}
