// Package evaluation measures the classifier on the public labelled data in
// ../shared/data (SOURCES.md there): it reads the files where they lie (they are
// never copied into the project), splits every set into training and held-out rows
// by a hash of the row's identity, trains the sentiment model (`make model`) and
// reports accuracy, macro-F1 and dispositions on the held-out rows only
// (`make eval-classify`, and the CI test in this package).
package evaluation

import (
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/complaintflow/complaintflow/internal/classify"
)

// The labelled sets, by the name reports use.
const (
	SetWaimai   = "waimai (zh)"
	SetShopping = "online shopping (zh)"
	SetTweets   = "tweets (en)"
	SetCFPB     = "cfpb (en)"
)

// Sets lists the sets in report order.
var Sets = []string{SetWaimai, SetShopping, SetTweets, SetCFPB}

// Row is one labelled text. Positive is the label's polarity: a positive review, or
// a tweet that is not a complaint. Every CFPB narrative is a complaint.
type Row struct {
	Set      string
	ID       string
	Text     string
	Positive bool
}

// HeldOutShare is the share of each set kept out of training: one row in five.
const HeldOutShare = 5

// HeldOut reports whether the row belongs to the held-out part: FNV-1a (64 bit) of
// "<set>:<id>" modulo 5 is 0. The split depends on nothing but the row's identity,
// so it is the same on every machine and for every order of the files.
func (r Row) HeldOut() bool { return r.Fold() == 0 }

// Fold is FNV-1a (64 bit) of "<set>:<id>" modulo 5: fold 0 is held out, fold 1 of
// the training rows chose the training options (docs/classification.md).
func (r Row) Fold() int {
	h := fnv.New64a()
	_, _ = io.WriteString(h, r.Set+":"+r.ID)
	return int(h.Sum64() % HeldOutShare)
}

// DataDir is where the labelled files are: $COMPLAINTFLOW_DATA, or ../shared/data
// beside the repository root (the directory holding go.mod).
func DataDir() (string, error) {
	if d := os.Getenv("COMPLAINTFLOW_DATA"); d != "" {
		return d, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "..", "shared", "data"), nil
}

// RepoRoot is the nearest directory above the working directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// source describes one file: its name, identity and text columns, and the label.
type source struct {
	set, file, id, text string
	positive            func(rec map[string]string) bool
}

var sources = []source{
	{SetWaimai, "waimai_10k_sample.csv", "source_row", "review", func(r map[string]string) bool { return r["label"] == "1" }},
	{SetShopping, "online_shopping_10_cats_sample.csv", "source_row", "review", func(r map[string]string) bool { return r["label"] == "1" }},
	{SetTweets, "twitter_complaints_en.csv", "tweet_id", "text", func(r map[string]string) bool { return r["is_complaint"] == "0" }},
	{SetCFPB, "cfpb_complaints_sample.csv", "complaint_id", "narrative", func(map[string]string) bool { return false }},
}

// Load reads every labelled set from dir.
func Load(dir string) ([]Row, error) {
	var rows []Row
	for _, s := range sources {
		f, err := os.Open(filepath.Join(dir, s.file))
		if err != nil {
			return nil, fmt.Errorf("labelled data: %w", err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		_ = f.Close()
		if err != nil {
			return nil, fmt.Errorf("labelled data %s: %w", s.file, err)
		}
		if len(recs) < 2 {
			return nil, fmt.Errorf("labelled data %s: no rows", s.file)
		}
		header := recs[0]
		for _, rec := range recs[1:] {
			m := make(map[string]string, len(header))
			for i, name := range header {
				if i < len(rec) {
					m[name] = rec[i]
				}
			}
			if strings.TrimSpace(m[s.text]) == "" {
				continue
			}
			rows = append(rows, Row{Set: s.set, ID: m[s.id], Text: m[s.text], Positive: s.positive(m)})
		}
	}
	return rows, nil
}

// TrainingExamples are the rows outside the held-out part. CFPB narratives are all
// complaints and long, formal prose unlike intake text: they are evaluated, not
// trained on.
func TrainingExamples(rows []Row) []classify.Example {
	return Examples(rows, func(r Row) bool { return !r.HeldOut() })
}

// ValidationTrainingExamples are the training rows outside fold 1, which
// validates: a model trained on them chose classify.SurelyNegative on fold 1.
func ValidationTrainingExamples(rows []Row) []classify.Example {
	return Examples(rows, func(r Row) bool { return r.Fold() > 1 })
}

// Examples are the rows keep accepts, CFPB aside, each weighted so that both
// classes of a set weigh the same (n / (2 · n_class)): waimai holds twice as many
// negative reviews as positive ones, the tweets the other way round, and an
// unweighted model leans to each set's majority.
func Examples(rows []Row, keep func(Row) bool) []classify.Example {
	count := map[string]map[bool]int{}
	var picked []Row
	for _, r := range rows {
		if r.Set == SetCFPB || !keep(r) {
			continue
		}
		if count[r.Set] == nil {
			count[r.Set] = map[bool]int{}
		}
		count[r.Set][r.Positive]++
		picked = append(picked, r)
	}
	out := make([]classify.Example, 0, len(picked))
	for _, r := range picked {
		c := count[r.Set]
		w := float64(c[true]+c[false]) / float64(2*c[r.Positive])
		out = append(out, classify.Example{Text: r.Text, Positive: r.Positive, Weight: w})
	}
	return out
}

var (
	ruleRow   = regexp.MustCompile(`(?s)\('(\w+)', '(\w+)', (\d+), ARRAY\[(.*?)\]\)`)
	ruleWords = regexp.MustCompile(`'((?:[^']|'')*)'`)
)

// SeedRules are the classification rules migration 00004 installs, read from the
// migration itself so the evaluation judges what a fresh installation runs.
func SeedRules() ([]classify.Rule, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	sql, err := os.ReadFile(filepath.Join(root, "migrations", "00004_feedback.sql"))
	if err != nil {
		return nil, fmt.Errorf("seed rules: %w", err)
	}
	var rules []classify.Rule
	for _, m := range ruleRow.FindAllStringSubmatch(string(sql), -1) {
		prio, _ := strconv.Atoi(m[3])
		r := classify.Rule{Dimension: classify.Dimension(m[1]), Value: m[2], Priority: prio}
		for _, w := range ruleWords.FindAllStringSubmatch(m[4], -1) {
			r.Keywords = append(r.Keywords, strings.ReplaceAll(w[1], "''", "'"))
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return nil, errors.New("seed rules: none found in migration 00004")
	}
	return rules, nil
}
