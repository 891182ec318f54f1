// Command sentiment trains the sentiment model from the labelled data in
// ../shared/data (`make model`) and evaluates the classifier on its held-out rows
// (`make eval-classify`). See docs/classification.md.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"slices"
	"time"

	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/classify/evaluation"
)

func main() {
	mode := flag.String("mode", "eval", "train (write the model file), eval (print the held-out report), "+
		"cv (AUC and best-threshold margins by 4-fold cross-validation on the training rows: how the training options were chosen) or "+
		"validate (the calibration sweep, and the complaint threshold on fold 1)")
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
		start := time.Now()
		offsets := calibrate(rows, true)
		ex := evaluation.TrainingExamples(rows)
		sm, err := classify.TrainSentiment(ex, classify.DefaultTrainOptions)
		if err != nil {
			log.Fatal(err)
		}
		sm.SetOffsets(offsets)
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
	case "cv":
		crossValidate(rows)
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

// Offsets are swept from offsetMin to offsetMax in offsetStep.
const offsetMin, offsetMax, offsetStep = -1.0, 1.5, 0.05

// cvFolds are the training folds (fold 0 is held out). Cross-validation trains a
// model on three of them and judges it on the fourth, for each of the four.
var cvFolds = []int{1, 2, 3, 4}

// cvModels are the cross-validation models: cvModels[i] is trained on every
// training fold but cvFolds[i].
func cvModels(rows []evaluation.Row, opts classify.TrainOptions) []*classify.SentimentModel {
	models := make([]*classify.SentimentModel, len(cvFolds))
	for i, k := range cvFolds {
		sm, err := classify.TrainSentiment(evaluation.Examples(rows, func(r evaluation.Row) bool {
			return !r.HeldOut() && r.Fold() != k
		}), opts)
		if err != nil {
			log.Fatal(err)
		}
		models[i] = sm
	}
	return models
}

// calibrate chooses, per language, the calibration offset on the training rows
// by 4-fold cross-validation — never on the held-out fold 0: every training row
// is classified by the model that did not train on it, and the offset kept is the
// one meeting most of the disposition targets (≥ 85 % of positive texts recorded,
// ≥ 90 % of negative texts a complaint or backlog item) on every set of the
// language, then the one with the largest smallest margin over them, then the one
// nearest 0. CFPB narratives (not trained on) play no part.
func calibrate(rows []evaluation.Row, verbose bool) classify.Offsets {
	rules, err := evaluation.SeedRules()
	if err != nil {
		log.Fatal(err)
	}
	c, err := classify.New(rules)
	if err != nil {
		log.Fatal(err)
	}
	trained := slices.DeleteFunc(slices.Clone(rows), func(r evaluation.Row) bool { return r.Set == evaluation.SetCFPB })
	models := cvModels(rows, classify.DefaultTrainOptions)
	langs := map[string][]string{"zh": {evaluation.SetWaimai, evaluation.SetShopping}, "en": {evaluation.SetTweets}}
	type pick struct {
		offset, margin float64
		met            int
	}
	best := map[string]pick{}
	for i := 0; ; i++ {
		off := offsetMin + float64(i)*offsetStep
		if off > offsetMax+1e-9 {
			break
		}
		off = math.Round(off*100) / 100
		var reports []evaluation.SetReport
		for j, sm := range models {
			sm.SetOffsets(classify.Offsets{ZH: float32(off), EN: float32(off)})
			reports = evaluation.Merge(reports, evaluation.EvaluateFold(c.WithSentiment(sm), trained, cvFolds[j]))
		}
		for _, lang := range []string{"zh", "en"} {
			p := pick{offset: off, margin: math.Inf(1)}
			for _, r := range reports {
				if !slices.Contains(langs[lang], r.Set) {
					continue
				}
				rec := r.Share(true, classify.DispositionRecorded) - evaluation.TargetRecorded
				work := r.Share(false, classify.DispositionComplaint) + r.Share(false, classify.DispositionBacklog) - evaluation.TargetNegativeWork
				for _, m := range []float64{rec, work} {
					if m >= 0 {
						p.met++
					}
					p.margin = min(p.margin, m)
				}
				if verbose {
					fmt.Printf("cross-validation, offset %+.2f, %-22s positive recorded %+.3f, negative → work %+.3f (margins)\n",
						off, r.Set, rec, work)
				}
			}
			b, seen := best[lang]
			if !seen || p.met > b.met || p.met == b.met && (p.margin > b.margin+1e-9 ||
				math.Abs(p.margin-b.margin) <= 1e-9 && math.Abs(p.offset) < math.Abs(b.offset)) {
				best[lang] = p
			}
		}
	}
	o := classify.Offsets{ZH: float32(best["zh"].offset), EN: float32(best["en"].offset)}
	fmt.Printf("calibration offsets chosen by cross-validation on the training rows: zh %+.2f (%d targets met, smallest margin %+.3f), en %+.2f (%d met, smallest margin %+.3f)\n",
		o.ZH, best["zh"].met, best["zh"].margin, o.EN, best["en"].met, best["en"].margin)
	return o
}

// validate prints the calibration sweep (cross-validation), then, with the chosen offsets,
// complaint detection on fold 1's tweets when a negative text scoring at or
// below −t is filed as a complaint: how classify.SurelyNegative was chosen.
func validate(rows []evaluation.Row) {
	o := calibrate(rows, true)
	rules, err := evaluation.SeedRules()
	if err != nil {
		log.Fatal(err)
	}
	c, err := classify.New(rules)
	if err != nil {
		log.Fatal(err)
	}
	sm, err := classify.TrainSentiment(evaluation.ValidationTrainingExamples(rows), classify.DefaultTrainOptions)
	if err != nil {
		log.Fatal(err)
	}
	sm.SetOffsets(o)
	vc := c.WithSentiment(sm)
	for _, t := range []float64{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01} {
		var tp, fp, fn int
		for _, r := range rows {
			if r.Set != evaluation.SetTweets || r.Fold() != 1 {
				continue
			}
			res := vc.Classify(r.Text)
			d := classify.Dispose(classify.Feedback{Kind: "social_mention", HasText: true, Sentiment: &res.Sentiment}, res.Urgency)
			filed := d.Disposition == classify.DispositionComplaint || res.Sentiment.Score <= -t
			switch {
			case filed && !r.Positive:
				tp++
			case filed:
				fp++
			case !r.Positive:
				fn++
			}
		}
		fmt.Printf("fold 1 tweets, score ≤ −%.2f a complaint: precision %.3f, recall %.3f\n", t,
			float64(tp)/float64(max(tp+fp, 1)), float64(tp)/float64(max(tp+fn, 1)))
	}
}
