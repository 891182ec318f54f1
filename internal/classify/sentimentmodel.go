package classify

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The sentiment model is a logistic regression over hashed features of the
// normalised text: Chinese character 1–3-grams (and the pairs after "不", "没" …
// once more, marked negated), Latin words and word pairs (with a negation mark
// after "not", "never", "no", "n't"), and a bias per language.
// Features after a contrast ("但是", "but") weigh more than those before it: in
// "菜好吃但是送得太慢" the complaint is the second clause.
//
// Features are hashed into modelBuckets slots (FNV-1a), so the model file holds
// weights only — no word or phrase of the labelled data it was trained on.
const (
	modelBuckets = 1 << 18
	modelMagic   = "CFSENT3\n"
)

// Feature weights around a contrast: before it and after it.
const (
	weightBeforeContrast = 0.5
	weightAfterContrast  = 1.5
)

// feature is a hashed feature with its weight in the text.
type feature struct {
	slot   uint32
	weight float32
}

// hashFeature is FNV-1a over the kind byte and the text, reduced to a slot.
func hashFeature(kind byte, text string) uint32 {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	h ^= uint32(kind)
	h *= prime
	for i := 0; i < len(text); i++ {
		h ^= uint32(text[i])
		h *= prime
	}
	return h % modelBuckets
}

// Contrast markers: what follows outweighs what precedes.
var (
	hanContrasts   = []string{"但是", "可是", "不过", "但", "却"}
	latinContrasts = set("but", "however", "though", "although", "yet")
	latinNegators  = set("not", "no", "never", "nothing", "nobody", "cannot", "cant", "dont", "didnt", "doesnt", "isnt",
		"wasnt", "wont", "havent", "hasnt", "arent", "werent", "couldnt", "wouldnt", "shouldnt")
)

// sentimentFeatures extracts the features of text (already normalised) and tells
// whether the text is Chinese (more Han characters than Latin words).
func sentimentFeatures(text string) ([]feature, bool) {
	feats := make([]feature, 0, 3*len(text)/2+4)
	weight := float32(1)
	// The weight of everything before the last contrast drops, after it rises.
	contrastAt := lastContrast(text)
	hanChars, latinWords := 0, 0
	var prevWord string
	negated := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if contrastAt >= 0 {
			if i < contrastAt {
				weight = weightBeforeContrast
			} else {
				weight = weightAfterContrast
			}
		}
		switch {
		case unicode.Is(unicode.Han, r):
			j := i
			for j < len(text) {
				r, n := utf8.DecodeRuneInString(text[j:])
				if !unicode.Is(unicode.Han, r) {
					break
				}
				j += n
			}
			hanChars += hanGrams(text[i:j], weight, &feats)
			prevWord, negated = "", false
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			j := i
			for j < len(text) {
				r, n := utf8.DecodeRuneInString(text[j:])
				if unicode.Is(unicode.Han, r) || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'') {
					break
				}
				j += n
			}
			w := strings.ReplaceAll(text[i:j], "'", "")
			if w == "" {
				i = j
				continue
			}
			latinWords++
			word := w
			if strings.ContainsFunc(w, unicode.IsDigit) && !strings.ContainsFunc(w, unicode.IsLetter) {
				word = "<num>"
			}
			tagged := word
			if negated {
				tagged = "not_" + word
			}
			feats = append(feats, feature{hashFeature('w', tagged), weight})
			if padded := "<" + word + ">"; len(padded) > 4 {
				for k := 0; k+4 <= len(padded); k++ {
					feats = append(feats, feature{hashFeature('c', padded[k:k+4]), weight / 2})
				}
			}
			if prevWord != "" {
				feats = append(feats, feature{hashFeature('b', prevWord+" "+word), weight})
			}
			prevWord = word
			if latinNegators[w] {
				negated = true
			}
			i = j
		default:
			// Punctuation ends a negation's scope and a word pair; "!" and "?" count.
			switch r {
			case '!', '！':
				feats = append(feats, feature{hashFeature('p', "!"), weight})
			case '?', '？':
				feats = append(feats, feature{hashFeature('p', "?"), weight})
			}
			if r == '@' || r == '#' { // handles and tags: the word that follows is a name
				j := i + size
				for j < len(text) {
					r, n := utf8.DecodeRuneInString(text[j:])
					if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
						break
					}
					j += n
				}
				if r == '#' {
					feats = append(feats, feature{hashFeature('h', text[i:j]), weight})
				}
				i = j
				continue
			}
			if !unicode.IsSpace(r) {
				prevWord, negated = "", false
			}
			i += size
		}
	}
	lang := "en"
	if hanChars >= latinWords {
		lang = "zh"
	}
	return append(feats, feature{hashFeature('L', lang), 1}), lang == "zh"
}

// hanGrams appends the character 1-, 2- and 3-grams of a run of Han characters and
// returns how many characters it holds.
func hanGrams(run string, weight float32, feats *[]feature) int {
	var starts [64]int
	idx := starts[:0]
	for i := range run {
		idx = append(idx, i)
	}
	n := len(idx)
	idx = append(idx, len(run))
	negated := false
	for k := 0; k < n; k++ {
		for g := 1; g <= 3 && k+g <= n; g++ {
			*feats = append(*feats, feature{hashFeature(byte('0'+g), run[idx[k]:idx[k+g]]), weight})
		}
		// After a negator, character pairs are marked as negated too: "不…好吃"
		// is not "好吃".
		c := run[idx[k]:idx[k+1]]
		if negated && k+2 <= n {
			*feats = append(*feats, feature{hashFeature('n', run[idx[k]:idx[k+2]]), weight})
		}
		if c == "不" || c == "没" || c == "别" || c == "无" || c == "未" {
			negated = true
		}
	}
	return n
}

// lastContrast is the byte offset of the last contrast marker in text, or -1.
func lastContrast(text string) int {
	at := -1
	for _, m := range hanContrasts {
		if i := strings.LastIndex(text, m); i > at && i > 0 {
			at = i
		}
	}
	for i := 0; i < len(text); {
		j := strings.IndexFunc(text[i:], func(r rune) bool { return !unicode.IsLetter(r) })
		if j < 0 {
			j = len(text) - i
		}
		if latinContrasts[text[i:i+j]] && i > 0 && i > at {
			at = i
		}
		_, size := utf8.DecodeRuneInString(text[i+j:])
		if size == 0 {
			break
		}
		i += j + size
	}
	return at
}

// model is a trained logistic regression: P(positive) = σ(bias + Σ w·x + offset),
// with a calibration offset per language chosen on a validation fold of the
// training rows (Calibrate): the decision threshold that meets the disposition
// targets, written into the model file.
type model struct {
	bias    float32
	weights []float32
	offsets Offsets
}

// Offsets are the calibration offsets added to the model's log-odds, per language.
type Offsets struct {
	ZH, EN float32
}

// logit is the model's calibrated log-odds of positive for the features.
func (m *model) logit(feats []feature, zh bool) float64 {
	z := float64(m.bias)
	if zh {
		z += float64(m.offsets.ZH)
	} else {
		z += float64(m.offsets.EN)
	}
	for _, f := range feats {
		z += float64(m.weights[f.slot] * f.weight)
	}
	return z
}

// Example is a labelled text for training: Positive true for praise, false for a
// complaint or negative review. Weight scales its gradient (0 counts as 1): the
// training command balances each set's two classes with it.
type Example struct {
	Text     string
	Positive bool
	Weight   float64
}

// TrainOptions steer training; the zero value is not useful, see DefaultTrainOptions.
type TrainOptions struct {
	Epochs       int
	LearningRate float64
	L2           float64
	Seed         uint64
	// Average: the model's weights are the mean of the weights after each epoch
	// (less variance than the last epoch's).
	Average bool
	// NB, when above 0, is the smoothing of the naive-Bayes log-count ratios that
	// scale every Chinese feature (nbScale).
	NB float64
	// Bags, when above 1, is how many models are trained, with seeds Seed, Seed+1,
	// …; the model is their mean (for a linear model the mean of the models' log-odds
	// is one model), which varies less with the order of the examples.
	Bags int
}

// DefaultTrainOptions are the options `make model` trains with, chosen by 4-fold
// cross-validation over the training rows (`go run ./scripts/sentiment -mode cv`).
var DefaultTrainOptions = TrainOptions{Epochs: 5, LearningRate: 0.05, L2: 0, Seed: 20261202, Average: true, NB: 2, Bags: 5}

// SentimentModel is a trained sentiment model.
type SentimentModel struct{ m model }

// Score is the model's score of text, from −1 (negative) to +1 (positive).
func (sm *SentimentModel) Score(text string) float64 {
	return 2*sigmoid(sm.m.logit(sentimentFeatures(normalize(text)))) - 1
}

// DecodeSentimentModel reads a model file that Encode wrote.
func DecodeSentimentModel(data []byte) (*SentimentModel, error) {
	m, err := decodeModel(data)
	if err != nil {
		return nil, err
	}
	return &SentimentModel{m: m}, nil
}

// Analyse is AnalyseSentiment with this model instead of the embedded one.
func (sm *SentimentModel) Analyse(text string) Sentiment { return sm.m.analyse(text) }

// Offsets are the model's calibration offsets.
func (sm *SentimentModel) Offsets() Offsets { return sm.m.offsets }

// SetOffsets sets the calibration offsets (Calibrate chooses them).
func (sm *SentimentModel) SetOffsets(o Offsets) { sm.m.offsets = o }

// Encode is the model file: compressed, reproducible bytes.
func (sm *SentimentModel) Encode() ([]byte, error) { return encodeModel(sm.m) }

// TrainSentiment fits the sentiment model by stochastic gradient descent with
// AdaGrad steps over features scaled by nbScale, the scale folded into the weights
// it writes, visiting examples in an order shuffled by opts.Seed: the same
// examples and options give the same bytes (on one CPU architecture; Go may fuse
// multiply-adds elsewhere).
func TrainSentiment(examples []Example, opts TrainOptions) (*SentimentModel, error) {
	if opts.Bags > 1 {
		// The bags are independent: trained side by side, summed in seed order, so
		// the bytes do not depend on which finishes first.
		bags := make([]*SentimentModel, opts.Bags)
		errs := make([]error, opts.Bags)
		var wg sync.WaitGroup
		for b := range bags {
			o := opts
			o.Seed, o.Bags = opts.Seed+uint64(b), 1
			wg.Go(func() { bags[b], errs[b] = trainOne(examples, o) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		out := bags[0]
		for _, sm := range bags[1:] {
			out.m.bias += sm.m.bias
			for i, x := range sm.m.weights {
				out.m.weights[i] += x
			}
		}
		n := float32(opts.Bags)
		out.m.bias /= n
		for i := range out.m.weights {
			out.m.weights[i] /= n
		}
		return out, nil
	}
	return trainOne(examples, opts)
}

// trainOne is TrainSentiment of one model.
func trainOne(examples []Example, opts TrainOptions) (*SentimentModel, error) {
	if len(examples) == 0 {
		return nil, errors.New("train sentiment: no examples")
	}
	feats := make([][]feature, len(examples))
	weights := make([]float64, len(examples))
	zh := make([]bool, len(examples))
	for i, e := range examples {
		feats[i], zh[i] = sentimentFeatures(normalize(e.Text))
		weights[i] = e.Weight
		if weights[i] == 0 {
			weights[i] = 1
		}
	}
	scale := nbScale(examples, feats, zh, weights, opts.NB)
	w := make([]float64, modelBuckets)
	g2 := make([]float64, modelBuckets)
	var bias, biasG2 float64
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	var avg []float64
	var avgBias float64
	if opts.Average {
		avg = make([]float64, modelBuckets)
	}
	for epoch := 0; epoch < opts.Epochs; epoch++ {
		if avg != nil && epoch > 0 {
			for i, x := range w {
				avg[i] += x
			}
			avgBias += bias
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			z := bias
			for _, f := range feats[i] {
				z += w[f.slot] * float64(f.weight) * scale[f.slot]
			}
			y := 0.0
			if examples[i].Positive {
				y = 1
			}
			grad := (sigmoid(z) - y) * weights[i]
			biasG2 += grad * grad
			bias -= opts.LearningRate * grad / math.Sqrt(biasG2+1e-8)
			for _, f := range feats[i] {
				g := grad*float64(f.weight)*scale[f.slot] + opts.L2*w[f.slot]
				g2[f.slot] += g * g
				w[f.slot] -= opts.LearningRate * g / math.Sqrt(g2[f.slot]+1e-8)
			}
		}
	}
	if avg != nil {
		for i, x := range w {
			w[i] = (avg[i] + x) / float64(opts.Epochs)
		}
		bias = (avgBias + bias) / float64(opts.Epochs)
	}
	m := model{bias: float32(bias), weights: make([]float32, modelBuckets)}
	for i, x := range w {
		m.weights[i] = float32(x * scale[i])
	}
	return &SentimentModel{m: m}, nil
}

// nbScale is the scale of every slot: 1, or with smoothing alpha > 0 the
// naive-Bayes log-count ratio of the slot between positive and negative Chinese
// examples (presence counted once per example, weighted). NBSVM (Wang & Manning
// 2012): a logistic regression over features scaled so is a little better ranked
// on short reviews (4-fold cross-validation, docs/classification.md). Slots an
// English example uses keep scale 1: on the tweets the scaling ranked worse.
func nbScale(examples []Example, feats [][]feature, zh []bool, weights []float64, alpha float64) []float64 {
	scale := make([]float64, modelBuckets)
	for i := range scale {
		scale[i] = 1
	}
	if alpha <= 0 {
		return scale
	}
	pos := make([]float64, modelBuckets)
	neg := make([]float64, modelBuckets)
	latin := make([]bool, modelBuckets)
	var sumPos, sumNeg float64
	seen := make(map[uint32]bool)
	for i, e := range examples {
		if !zh[i] {
			for _, f := range feats[i] {
				latin[f.slot] = true
			}
			continue
		}
		clear(seen)
		for _, f := range feats[i] {
			if seen[f.slot] {
				continue
			}
			seen[f.slot] = true
			if e.Positive {
				pos[f.slot] += weights[i]
				sumPos += weights[i]
			} else {
				neg[f.slot] += weights[i]
				sumNeg += weights[i]
			}
		}
	}
	n := float64(modelBuckets)
	for i := range scale {
		if !latin[i] {
			scale[i] = math.Log((pos[i]+alpha)/(sumPos+alpha*n)) - math.Log((neg[i]+alpha)/(sumNeg+alpha*n))
		}
	}
	return scale
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// encodeModel writes magic, bucket count, bias and weights (little-endian float32),
// gzip-compressed with a fixed header so the bytes are reproducible.
func encodeModel(m model) ([]byte, error) {
	var raw bytes.Buffer
	raw.WriteString(modelMagic)
	_ = binary.Write(&raw, binary.LittleEndian, uint32(len(m.weights)))
	_ = binary.Write(&raw, binary.LittleEndian, m.bias)
	_ = binary.Write(&raw, binary.LittleEndian, m.weights)
	_ = binary.Write(&raw, binary.LittleEndian, m.offsets)
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("encode sentiment model: %w", err)
	}
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, fmt.Errorf("encode sentiment model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode sentiment model: %w", err)
	}
	return out.Bytes(), nil
}

// decodeModel reads what encodeModel wrote.
func decodeModel(data []byte) (model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return model{}, fmt.Errorf("decode sentiment model: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return model{}, fmt.Errorf("decode sentiment model: %w", err)
	}
	if !bytes.HasPrefix(raw, []byte(modelMagic)) {
		return model{}, errors.New("decode sentiment model: not a sentiment model file")
	}
	r := bytes.NewReader(raw[len(modelMagic):])
	var n uint32
	var m model
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil || n != modelBuckets {
		return model{}, fmt.Errorf("decode sentiment model: %d buckets, want %d", n, modelBuckets)
	}
	m.weights = make([]float32, n)
	if err := binary.Read(r, binary.LittleEndian, &m.bias); err != nil {
		return model{}, fmt.Errorf("decode sentiment model: %w", err)
	}
	if err := binary.Read(r, binary.LittleEndian, m.weights); err != nil {
		return model{}, fmt.Errorf("decode sentiment model: %w", err)
	}
	if err := binary.Read(r, binary.LittleEndian, &m.offsets); err != nil {
		return model{}, fmt.Errorf("decode sentiment model offsets: %w", err)
	}
	return m, nil
}
