-- Personal data on a need-to-know basis (docs/privacy.md, seed 002 §1.4). The token
-- that filed a complaint or feedback reads it in full; everyone else reads it
-- masked, and the entitled reveal it explicitly, each reveal recorded here (and, for
-- a complaint, in its event log).

-- +goose Up
ALTER TABLE complaints ADD COLUMN filed_by text; -- the ID of the token that filed it
ALTER TABLE feedback ADD COLUMN filed_by text; -- the ID of the token that filed it

CREATE TABLE personal_data_reveals (
    id           uuid        PRIMARY KEY,
    complaint_id uuid        REFERENCES complaints (id),
    feedback_id  uuid        REFERENCES feedback (id),
    actor        text        NOT NULL, -- the person, else the token's name
    token_id     text        NOT NULL,
    fields       text[]      NOT NULL,
    revealed_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((complaint_id IS NULL) <> (feedback_id IS NULL))
);
CREATE INDEX personal_data_reveals_by_complaint ON personal_data_reveals (complaint_id) WHERE complaint_id IS NOT NULL;
CREATE INDEX personal_data_reveals_by_feedback ON personal_data_reveals (feedback_id) WHERE feedback_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION personal_data_reveals_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'personal_data_reveals is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER personal_data_reveals_append_only
    BEFORE UPDATE OR DELETE ON personal_data_reveals
    FOR EACH ROW EXECUTE FUNCTION personal_data_reveals_append_only();

-- +goose Down
DROP TABLE personal_data_reveals;
DROP FUNCTION personal_data_reveals_append_only();
ALTER TABLE feedback DROP COLUMN filed_by;
ALTER TABLE complaints DROP COLUMN filed_by;
