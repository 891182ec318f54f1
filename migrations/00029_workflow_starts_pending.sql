-- Intake's "workflow start pending" mark (00024) moves from a column of complaints
-- to a table of its own. Clearing the column was an UPDATE of the complaint row that
-- could not be HOT (the column was in complaints_workflow_start_pending's
-- predicate), so every filing rewrote the row and all of its indexes (eighteen,
-- the trigram one among them) a moment after inserting them: 0.56 ms of
-- PostgreSQL per filing under intake (docs/performance.md), three quarters of what the
-- row's insert costs (0.76 ms). Now intake inserts the mark beside the row, in the same
-- statement, and clearing it deletes a row of a table that holds only the marks
-- not yet cleared.

-- +goose Up
CREATE TABLE workflow_starts_pending (
    complaint_id uuid PRIMARY KEY REFERENCES complaints (id) ON DELETE CASCADE,
    filed_at timestamptz NOT NULL
);
INSERT INTO workflow_starts_pending (complaint_id, filed_at)
SELECT id, created_at FROM complaints WHERE workflow_start_pending;
DROP INDEX complaints_workflow_start_pending;
ALTER TABLE complaints DROP COLUMN workflow_start_pending;

-- +goose Down
ALTER TABLE complaints ADD COLUMN workflow_start_pending boolean NOT NULL DEFAULT false;
UPDATE complaints SET workflow_start_pending = true WHERE id IN (SELECT complaint_id FROM workflow_starts_pending);
CREATE INDEX complaints_workflow_start_pending ON complaints (created_at) WHERE workflow_start_pending;
DROP TABLE workflow_starts_pending;
