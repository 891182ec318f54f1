package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/migrations"
)

// A write made against a version (an If-Match) is made only while the row is
// still that version; against another it is ErrStale, answers the row as it is
// and changes nothing. The zero version is "none yet".

func TestPolicyWrittenOnlyAtTheVersionGiven(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	drawn, err := st.Policy(ctx, complaint.High, complaint.High)
	if err != nil {
		t.Fatal(err)
	}
	ann := drawn
	ann.FirstResponseSeconds, ann.UpdatedBy = 3600, "ann"
	saved, err := st.PutPolicy(ctx, ann, &drawn.UpdatedAt)
	if err != nil || saved.FirstResponseSeconds != 3600 || saved.UpdatedAt.Equal(drawn.UpdatedAt) {
		t.Fatalf("a write at the version read: %+v, %v", saved, err)
	}
	bob := drawn
	bob.FirstResponseSeconds, bob.UpdatedBy = 600, "bob"
	now, err := st.PutPolicy(ctx, bob, &drawn.UpdatedAt)
	if !errors.Is(err, store.ErrStale) || now.UpdatedBy != "ann" || !now.UpdatedAt.Equal(saved.UpdatedAt) {
		t.Errorf("a write at the version before ann's: %+v, %v; want ErrStale and ann's policy", now, err)
	}
	if _, err := st.PutPolicy(ctx, bob, &time.Time{}); !errors.Is(err, store.ErrStale) {
		t.Errorf("a matrix cell written as new: %v, want ErrStale (it exists)", err)
	}
	if got, _ := st.Policy(ctx, complaint.High, complaint.High); got.FirstResponseSeconds != 3600 || got.UpdatedBy != "ann" {
		t.Errorf("after the stale writes: %+v, want ann's", got)
	}
	if got, err := st.PutPolicy(ctx, bob, &saved.UpdatedAt); err != nil || got.FirstResponseSeconds != 600 {
		t.Errorf("a write at ann's version: %+v, %v", got, err)
	}

	// A source policy: the zero version creates it only while there is none; a
	// version of a policy that is not there is stale.
	src := drawn
	src.Source, src.Urgency, src.Tier, src.UpdatedBy = string(complaint.SourceSocialMention), complaint.Level(complaint.Any), complaint.Level(complaint.Any), "ann"
	if none, err := st.PutPolicy(ctx, src, &saved.UpdatedAt); !errors.Is(err, store.ErrStale) || !none.UpdatedAt.IsZero() {
		t.Errorf("a version of a source policy not there: %+v, %v; want ErrStale and none", none, err)
	}
	key := complaint.PolicyKey{Source: src.Source, Urgency: complaint.Any, Tier: complaint.Any}
	if _, err := st.SourcePolicy(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the stale write created the source policy: %v", err)
	}
	created, err := st.PutPolicy(ctx, src, &time.Time{})
	if err != nil {
		t.Fatalf("a source policy created as new: %v", err)
	}
	if _, err := st.PutPolicy(ctx, src, &time.Time{}); !errors.Is(err, store.ErrStale) {
		t.Errorf("created as new a second time: %v, want ErrStale", err)
	}
	if _, err := st.PutPolicy(ctx, src, &created.UpdatedAt); err != nil {
		t.Errorf("a write at the source policy's version: %v", err)
	}
}

func TestRulesReplacedOnlyAtTheVersionGiven(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	seeded, err := st.ClassificationRules(ctx)
	if err != nil || len(seeded) == 0 {
		t.Fatalf("seeded rules: %d, %v", len(seeded), err)
	}
	drawn := store.RulesVersion(seeded)
	ann := []store.ClassificationRule{{Dimension: "urgency", Value: "high", Keywords: pq.StringArray{"起火"}, Priority: 9}}
	saved, err := st.ReplaceClassificationRules(ctx, ann, "ann", &drawn)
	if err != nil || len(saved) != 1 || store.RulesVersion(saved).Equal(drawn) {
		t.Fatalf("a replacement at the version read: %+v, %v", saved, err)
	}
	bob := []store.ClassificationRule{{Dimension: "urgency", Value: "low", Keywords: pq.StringArray{"建议"}, Priority: 1}}
	now, err := st.ReplaceClassificationRules(ctx, bob, "bob", &drawn)
	if !errors.Is(err, store.ErrStale) || len(now) != 1 || now[0].UpdatedBy != "ann" {
		t.Errorf("a replacement at the version before ann's: %+v, %v; want ErrStale and ann's set", now, err)
	}
	if got, _ := st.ClassificationRules(ctx); len(got) != 1 || got[0].Value != "high" {
		t.Errorf("after the stale replacement: %+v, want ann's set", got)
	}
	v := store.RulesVersion(saved)
	if got, err := st.ReplaceClassificationRules(ctx, bob, "bob", &v); err != nil || len(got) != 1 || got[0].Value != "low" {
		t.Errorf("a replacement at ann's version: %+v, %v", got, err)
	}
}

func TestMessageTemplateWrittenOnlyAtTheVersionGiven(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	text := func(by, body string) message.Template {
		return message.Template{Key: message.Progress, Locale: message.En, Subject: "Progress", Body: body, UpdatedBy: by}
	}
	seed := time.Time{}
	ann, created, err := st.PutMessageTemplate(ctx, text("ann", "ann's"), &seed)
	if err != nil || !created {
		t.Fatalf("the seeded text replaced at the seed's version: %+v, created %v, %v", ann, created, err)
	}
	if now, _, err := st.PutMessageTemplate(ctx, text("bob", "bob's"), &seed); !errors.Is(err, store.ErrStale) || now.UpdatedBy != "ann" {
		t.Errorf("bob's text against the seed after ann's: %+v, %v; want ErrStale and ann's", now, err)
	}
	if got, _ := st.MessageTemplate(ctx, message.Progress, message.En); got.Body != "ann's" {
		t.Errorf("after the stale write: %q, want ann's", got.Body)
	}
	if got, created, err := st.PutMessageTemplate(ctx, text("bob", "bob's"), &ann.UpdatedAt); err != nil || created || got.Body != "bob's" {
		t.Errorf("bob's text at ann's version: %+v, created %v, %v", got, created, err)
	}
	other := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	if none, _, err := st.PutMessageTemplate(ctx, message.Template{Key: message.Progress, Locale: message.ZhCN,
		Subject: "进展", Body: "x", UpdatedBy: "bob"}, &other); !errors.Is(err, store.ErrStale) || !none.UpdatedAt.IsZero() {
		t.Errorf("a version of a text still seeded: %+v, %v; want ErrStale and none", none, err)
	}
	if _, err := st.MessageTemplate(ctx, message.Progress, message.ZhCN); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the stale write stored a zh-CN text: %v", err)
	}
}

func TestDirectoryWrittenOnlyAtTheVersionGiven(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	seed := time.Time{}
	care, created, err := st.PutTeam(ctx, store.Team{ID: "care", Name: "Care", UpdatedBy: "ann"}, &seed)
	if err != nil || !created {
		t.Fatalf("a team created as new: %+v, %v", care, err)
	}
	if now, _, err := st.PutTeam(ctx, store.Team{ID: "care", Name: "Bob's care", UpdatedBy: "bob"}, &seed); !errors.Is(err, store.ErrStale) ||
		now.UpdatedBy != "ann" || now.Name != "Care" {
		t.Errorf("the team created as new again: %+v, %v; want ErrStale and ann's team", now, err)
	}
	if _, _, err := st.PutTeam(ctx, store.Team{ID: "care", Name: "Customer care", UpdatedBy: "bob"}, &care.UpdatedAt); err != nil {
		t.Errorf("a write at the team's version: %v", err)
	}
	if now, _, err := st.PutTeam(ctx, store.Team{ID: "care", Name: "Stale", UpdatedBy: "cy"}, &care.UpdatedAt); !errors.Is(err, store.ErrStale) || now.Name != "Customer care" {
		t.Errorf("a write at the version before bob's: %+v, %v; want ErrStale and bob's", now, err)
	}
	if _, _, err := st.PutRoute(ctx, store.Route{Category: "logistics", TeamID: "care", UpdatedBy: "ann"}, &care.UpdatedAt); !errors.Is(err, store.ErrStale) {
		t.Errorf("a version of a routing rule not there: %v, want ErrStale", err)
	}
	if rs, _ := st.Routes(ctx); len(rs) != 0 {
		t.Errorf("the stale write created a rule: %+v", rs)
	}
}

func TestSettingsWrittenOnlyAtTheVersionGiven(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	w, v, err := st.StarWeights(ctx)
	if err != nil || !v.At.IsZero() {
		t.Fatalf("the defaults' version: %+v, %v; want none", v, err)
	}
	at := time.Date(2026, 12, 6, 10, 0, 0, 123456789, time.UTC)
	ann, err := st.PutStarWeights(ctx, w, "ann", at, &v.At)
	if err != nil || !ann.At.Equal(at.Truncate(time.Microsecond)) || ann.By != "ann" {
		t.Fatalf("weights written over the defaults: %+v, %v", ann, err)
	}
	if now, err := st.PutStarWeights(ctx, w, "bob", at.Add(time.Hour), &v.At); !errors.Is(err, store.ErrStale) || now != ann {
		t.Errorf("bob's weights against the defaults after ann's: %+v, %v; want ErrStale and ann's version", now, err)
	}
	if _, got, _ := st.StarWeights(ctx); got != ann {
		t.Errorf("after the stale write the version is %+v, want ann's %+v", got, ann)
	}
	if _, err := st.PutStarWeights(ctx, w, "bob", at.Add(time.Hour), &ann.At); err != nil {
		t.Errorf("bob's weights at ann's version: %v", err)
	}

	// The risk thresholds carry their version in their document too; migration
	// 00031 gives a row written before it the document's, so a version read then
	// still names the row.
	th, err := st.PutRiskThresholds(ctx, quality.DefaultRiskThresholds(), "qa", at, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 30); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE settings SET created_at = now() WHERE name = $1`, store.RiskThresholdsSetting); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	changed := quality.DefaultRiskThresholds()
	changed.CSATDropPoints = 9
	next, err := st.PutRiskThresholds(ctx, changed, "lee", at.Add(time.Minute), th.UpdatedAt)
	if err != nil {
		t.Fatalf("thresholds at the version their document named before the migration: %v", err)
	}
	if now, err := st.PutRiskThresholds(ctx, changed, "max", at.Add(2*time.Minute), th.UpdatedAt); !errors.Is(err, store.ErrStale) ||
		now.UpdatedBy != "lee" || !now.UpdatedAt.Equal(*next.UpdatedAt) {
		t.Errorf("thresholds at the version before lee's: %+v, %v; want ErrStale and lee's", now, err)
	}
}
