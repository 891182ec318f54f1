-- The last review of each knowledge base article written before its history was
-- kept (00040), as its row proves it. 00040 gave those articles their creation and
-- retirement but not their review: the row's reviewed_at still says it, and the
-- past knowledge update rate reads it from the row (store.KnowledgeDueAt) only until
-- the next review overwrites it — after that the period it covered would count the
-- article stale. A review the history already records (every one since 00040) has
-- an event at the row's reviewed_at and is not added again; the one a later review
-- overwrote before this migration is lost. An edit counts as a review and sets both
-- reviewed_at and updated_at, and a retirement is recorded, so updated_at proves no
-- change beyond these. Marked backfilled: taken from the row, not recorded when it
-- happened.

-- +goose Up
INSERT INTO knowledge_article_events (article_id, kind, occurred_at, actor, data)
SELECT k.id, 'reviewed', k.reviewed_at, k.reviewed_by, '{"backfilled": true}'
FROM knowledge_articles k
WHERE NOT EXISTS (SELECT FROM knowledge_article_events e
    WHERE e.article_id = k.id AND e.kind IN ('created', 'edited', 'reviewed') AND e.occurred_at = k.reviewed_at)
ORDER BY k.reviewed_at, k.id;

-- +goose Down
-- The history is append-only (00040); only what Up added goes.
ALTER TABLE knowledge_article_events DISABLE TRIGGER knowledge_article_events_append_only;
DELETE FROM knowledge_article_events WHERE data ? 'backfilled';
ALTER TABLE knowledge_article_events ENABLE TRIGGER knowledge_article_events_append_only;
