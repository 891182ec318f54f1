-- Low-urgency complaints join the product's improvement backlog (002 §9.3
-- 「需納入產品迭代計劃」; DOMAIN.md §1, "Low urgency (e.g. feature suggestion): goes
-- into the product iteration backlog"). A complaint acknowledged under a policy
-- without a resolution clock got status `backlog` and nothing more: the improvement
-- list, the insight report and the planning reviews, which read improvement_backlog,
-- only ever saw feedback. An item now comes from feedback or from a complaint,
-- exactly one; recording the complaint's `acknowledged` event with status backlog
-- writes its item (internal/store), once, however often the activity is retried.
--
-- Complaints in the backlog today get their item here. The title is the first line
-- of the subject (else of the description) without the customer's own contacts,
-- name or any e-mail address, and with what looks like a phone number masked, at
-- most 120 characters: as store.ComplaintBacklogTitle makes it (which masks a phone
-- number keeping its last four digits; here none are kept).

-- +goose Up
ALTER TABLE improvement_backlog
    ALTER COLUMN feedback_id DROP NOT NULL,
    -- One item per complaint, however often its acknowledgement is recorded.
    ADD COLUMN complaint_id uuid UNIQUE REFERENCES complaints (id),
    ADD CONSTRAINT improvement_backlog_one_source CHECK (num_nonnulls(feedback_id, complaint_id) = 1);

INSERT INTO improvement_backlog (id, complaint_id, title, problem_type, keywords, created_at, updated_at)
SELECT gen_random_uuid(), c.id,
    CASE WHEN t.line = '' THEN '(no text)'
        WHEN char_length(t.line) > 120 THEN left(t.line, 119) || '…'
        ELSE t.line END,
    c.category, c.keywords, COALESCE(c.first_response_at, c.updated_at), COALESCE(c.first_response_at, c.updated_at)
FROM complaints c
CROSS JOIN LATERAL (
    SELECT COALESCE((
        SELECT l.line
        FROM unnest(ARRAY[c.subject, c.description]) WITH ORDINALITY AS src (text, o)
        CROSS JOIN LATERAL (
            SELECT regexp_replace(btrim(split_part(btrim(
                regexp_replace(regexp_replace(
                    CASE WHEN char_length(btrim(c.customer_name)) >= 2
                        THEN replace(replace(replace(replace(src.text, COALESCE(c.customer_address, ''), ' '),
                            COALESCE(c.customer_email, ''), ' '), COALESCE(c.customer_phone, ''), ' '), c.customer_name, ' ')
                        ELSE replace(replace(replace(src.text, COALESCE(c.customer_address, ''), ' '),
                            COALESCE(c.customer_email, ''), ' '), COALESCE(c.customer_phone, ''), ' ') END,
                    '[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}', ' ', 'g'),
                    '\+?\d[\d\s\-().]{5,}\d', '***', 'g'),
                E' \t\r\n'), E'\n', 1)), '\s+', ' ', 'g') AS line
        ) l
        WHERE l.line <> ''
        ORDER BY src.o
        LIMIT 1), '') AS line
) t
WHERE c.status = 'backlog'
ON CONFLICT (complaint_id) DO NOTHING;

-- +goose Down
-- A complaint's item goes first (its done notice mark with it, ON DELETE CASCADE):
-- feedback_id is required again.
DELETE FROM improvement_backlog WHERE complaint_id IS NOT NULL;
ALTER TABLE improvement_backlog
    DROP CONSTRAINT improvement_backlog_one_source,
    DROP COLUMN complaint_id,
    ALTER COLUMN feedback_id SET NOT NULL;
