-- The SLA a round the customer's dissatisfied survey answer reopened runs on
-- (workflow revision 6; 001 「对负面反馈在15分钟内进行初步响应」): the complaint row
-- names the filing policy (policy_source, sla_first_response_seconds…), which that
-- round does not run on. The reopened event records the round's (complaint.RoundSLA)
-- and sets these; the next reopening replaces them — an agent's, which runs on the
-- follow-up under the complaint's own policy, clears them. The round's later events
-- keep them. NULL round_policy_id with budgets: no negative_feedback policy matched
-- and the round runs on the defaults. Nullable: no row is rewritten; complaints
-- reopened before read as without (the view's sla.round is null).

-- One statement, metadata only; it waits for its lock at most 10 s rather than queue
-- every complaint's traffic behind a long report holding the table.
-- +goose Up
SET LOCAL lock_timeout = '10s';
ALTER TABLE complaints ADD COLUMN round_policy_id text, ADD COLUMN round_first_response_seconds bigint,
    ADD COLUMN round_resolution_seconds bigint;

-- +goose Down
ALTER TABLE complaints DROP COLUMN round_resolution_seconds;
ALTER TABLE complaints DROP COLUMN round_first_response_seconds;
ALTER TABLE complaints DROP COLUMN round_policy_id;
