-- The history of each knowledge base article (00038): who created, edited, reviewed
-- or retired it, when, and — for an edit — which fields changed and what they held
-- before. An edit overwrites the article and its reviewed_at; without this the
-- knowledge update rate (002 「老員工知識更新率不足20%」) could only be given for
-- "now", and a changed answer could not be traced to who changed it. Written by the
-- store in the transaction of the change it records; append-only, as
-- risk_alert_events (00007). An edit that hands the article to another owner is an
-- edit whose changed fields name owner.

-- +goose Up
CREATE TABLE knowledge_article_events (
    id          bigserial   PRIMARY KEY,
    article_id  uuid        NOT NULL REFERENCES knowledge_articles (id),
    kind        text        NOT NULL CHECK (kind IN ('created', 'edited', 'reviewed', 'retired')),
    occurred_at timestamptz NOT NULL,
    actor       text        NOT NULL,
    -- edited: {"changed": ["title", "owner", …], "before": {"title": "…", "owner": "…"}}
    data        jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX knowledge_article_events_by_article ON knowledge_article_events (article_id, id);

-- +goose StatementBegin
CREATE FUNCTION knowledge_article_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'knowledge_article_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER knowledge_article_events_append_only
    BEFORE UPDATE OR DELETE ON knowledge_article_events
    FOR EACH ROW EXECUTE FUNCTION knowledge_article_events_append_only();

-- The articles written before this migration: their creation, as the row says it
-- (their later edits and reviews were not recorded).
INSERT INTO knowledge_article_events (article_id, kind, occurred_at, actor)
SELECT id, 'created', created_at, created_by FROM knowledge_articles ORDER BY created_at, id;
INSERT INTO knowledge_article_events (article_id, kind, occurred_at, actor)
SELECT id, 'retired', retired_at, retired_by FROM knowledge_articles WHERE retired_at IS NOT NULL ORDER BY retired_at, id;

-- +goose Down
DROP TABLE knowledge_article_events;
DROP FUNCTION knowledge_article_events_append_only();
