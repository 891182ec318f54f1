-- A complaint whose workflow could not be started when it was filed (Temporal down)
-- is found again by the API's reconciler (issue 17, defect 1). Intake sets the flag
-- with the row, in the same INSERT, and clears it once Temporal has the workflow, so
-- a crash or an outage between the two leaves the row marked. Rows written before
-- this migration have their workflows (or were never meant to: seeded data).

-- +goose Up
ALTER TABLE complaints ADD COLUMN workflow_start_pending boolean NOT NULL DEFAULT false;
CREATE INDEX complaints_workflow_start_pending ON complaints (created_at) WHERE workflow_start_pending;

-- +goose Down
DROP INDEX complaints_workflow_start_pending;
ALTER TABLE complaints DROP COLUMN workflow_start_pending;
