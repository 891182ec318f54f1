-- Survey links are the customer's credential (issue 17, defect 6): notification
-- rows, read by staff, keep them masked. Rows written before hold them in full; this
-- masks their tokens as internal/survey.MaskedToken does ("sha256:" and the first
-- 32 hex digits of the token's SHA-256). A row still to be sent gets its token back
-- from the message its next attempt rebuilds (survey.RestoreLinks).

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE
    r      record;
    token  text;
    masked text;
BEGIN
    FOR r IN SELECT id, body AS b FROM notifications
             WHERE body ~ '/v1/surveys/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+' LOOP
        masked := r.b;
        FOR token IN SELECT (regexp_matches(r.b, '/v1/surveys/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)', 'g'))[1] LOOP
            masked := replace(masked, '/v1/surveys/' || token,
                '/v1/surveys/sha256:' || left(encode(sha256(convert_to(token, 'UTF8')), 'hex'), 32));
        END LOOP;
        UPDATE notifications SET body = masked WHERE id = r.id;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- A masked token cannot be unmasked; the rows stay masked.
SELECT 1;
