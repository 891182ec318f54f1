package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/classify/evaluation"
)

// crossValidate prints, for classify.DefaultTrainOptions, each set's AUC by
// 4-fold cross-validation over the training rows (every row scored by the model
// that did not train on it) and, per language, the score threshold with the
// largest smallest margin over the disposition targets: how the training options
// and features were compared (docs/classification.md). The held-out fold plays
// no part.
func crossValidate(rows []evaluation.Row) {
	type scored struct {
		set      string
		positive bool
		score    float64
	}
	var all []scored
	for i, sm := range cvModels(rows, classify.DefaultTrainOptions) {
		for _, r := range rows {
			if r.Fold() == cvFolds[i] && r.Set != evaluation.SetCFPB {
				all = append(all, scored{r.Set, r.Positive, sm.Analyse(r.Text).Score})
			}
		}
	}
	fmt.Printf("options %+v\n", classify.DefaultTrainOptions)
	for _, set := range []string{evaluation.SetWaimai, evaluation.SetShopping, evaluation.SetTweets} {
		var pos, neg []float64
		for _, s := range all {
			if s.set == set && s.positive {
				pos = append(pos, s.score)
			} else if s.set == set {
				neg = append(neg, s.score)
			}
		}
		sort.Float64s(neg)
		var auc float64
		for _, x := range pos {
			below := sort.SearchFloat64s(neg, x)
			ties := sort.Search(len(neg), func(i int) bool { return neg[i] > x }) - below
			auc += float64(below) + float64(ties)/2
		}
		fmt.Printf("%-22s AUC %.4f\n", set, auc/float64(len(pos)*len(neg)))
	}
	for _, lang := range []struct {
		name string
		sets []string
	}{{"zh", []string{evaluation.SetWaimai, evaluation.SetShopping}}, {"en", []string{evaluation.SetTweets}}} {
		best, bestAt, bestDesc := math.Inf(-1), 0.0, ""
		for t := -0.99; t < 0.99; t += 0.01 {
			worst, desc := math.Inf(1), ""
			for _, set := range lang.sets {
				var npos, rec, nneg, work int
				for _, s := range all {
					switch {
					case s.set != set:
					case s.positive:
						npos++
						if s.score >= t {
							rec++
						}
					default:
						nneg++
						if s.score < t {
							work++
						}
					}
				}
				a := float64(rec)/float64(npos) - evaluation.TargetRecorded
				b := float64(work)/float64(nneg) - evaluation.TargetNegativeWork
				worst = min(worst, a, b)
				desc += fmt.Sprintf(" %s positive recorded %+.3f, negative → work %+.3f;", set, a, b)
			}
			if worst > best {
				best, bestAt, bestDesc = worst, t, desc
			}
		}
		fmt.Printf("%s: best score threshold %+.2f, smallest margin %+.4f:%s\n", lang.name, bestAt, best, bestDesc)
	}
}
