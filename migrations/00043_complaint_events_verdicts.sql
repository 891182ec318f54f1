-- The customer's verdicts on a resolution, for the risk monitor's reopen-rate
-- training signal (store.TrainingReopens, every 15 minutes): for each resolution of
-- the last 30 days, the next reopening of its complaint and whether a survey answer,
-- an expiry or a closing came before it. Without this index PostgreSQL found each
-- complaint's next reopening by AND-ing the complaint's events with every reopening
-- of the window (complaint_events_risk_windows), a cost of resolutions × reopenings:
-- 21–36 s over a month of 200,000 complaints, ~1 s with it (docs/performance.md,
-- "The risk monitor's queries at 200,000 complaints"). Partial: only these kinds
-- (about one event in six) pay for it on insert.
--
-- Built CONCURRENTLY, outside a transaction: complaint_events is the largest table,
-- and a plain CREATE INDEX would hold intake's inserts for the whole build on a
-- deployment with years of events. A build that failed half-way leaves an invalid
-- index under the name, so a re-run drops it first.

-- +goose NO TRANSACTION

-- +goose Up
DROP INDEX CONCURRENTLY IF EXISTS complaint_events_verdicts;
CREATE INDEX CONCURRENTLY complaint_events_verdicts ON complaint_events (complaint_id, kind, occurred_at, id)
    WHERE kind IN ('reopened', 'survey_answered', 'survey_expired', 'closed');

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS complaint_events_verdicts;
