-- A PDCA check records how many samples its value rests on and how many a verdict
-- needs (the review rules' min_volume for a rate, none for a count): with fewer it
-- is "not judged", neither met nor missed (002 §9.2 「每两周进行效果评估，通过对比改进
-- 前后的关键指标变化」: a change is shown on enough complaints, not on one).
-- Nullable: checks recorded before were not counted, and no row is rewritten.

-- One catalogue-only statement; it waits for its lock at most 10 s.
-- +goose Up
SET LOCAL lock_timeout = '10s';
ALTER TABLE pdca_checks ADD COLUMN samples bigint, ADD COLUMN min_samples bigint;

-- +goose Down
ALTER TABLE pdca_checks DROP COLUMN min_samples, DROP COLUMN samples;
