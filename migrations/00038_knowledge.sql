-- The knowledge base (001 「建立集中化的知识库和学习平台,支持员工即时获取所需信息,促进经验分享」,
-- its 「常见问题库」 and 「标准化解决方案」): articles staff look up, each kept current by
-- an owner of the directory who reviews it every review_every_days. An article past
-- its review is stale (002 §9.1 blue 「知识库更新滞后」; 002 names the problem
-- 「老員工知識更新率不足20%」): the risk monitor opens a blue stale_knowledge alert
-- for its owner. Articles are retired, never deleted: history matters. They hold
-- no customer data.

-- +goose Up
CREATE TABLE knowledge_articles (
    id                uuid        PRIMARY KEY,
    title             text        NOT NULL,
    body              text        NOT NULL,
    category          text        NOT NULL, -- a complaint category (complaint.Categories), checked by the API
    keywords          text[]      NOT NULL DEFAULT '{}',
    owner             text        NOT NULL REFERENCES people (id),
    review_every_days int         NOT NULL CHECK (review_every_days BETWEEN 1 AND 3650),
    reviewed_at       timestamptz NOT NULL,
    reviewed_by       text        NOT NULL,
    created_at        timestamptz NOT NULL,
    created_by        text        NOT NULL,
    updated_at        timestamptz NOT NULL,
    updated_by        text        NOT NULL,
    retired_at        timestamptz,
    retired_by        text,
    -- Created once under an Idempotency-Key, as the API scopes it to the caller
    -- (migration 00034): a retry answers the article created first.
    idempotency_key   text,
    request_hash      text,
    CONSTRAINT knowledge_articles_keyed_with_hash CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
);

CREATE UNIQUE INDEX knowledge_articles_by_idempotency_key ON knowledge_articles (idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX knowledge_articles_by_created ON knowledge_articles (created_at DESC, id DESC);
CREATE INDEX knowledge_articles_by_category ON knowledge_articles (category, created_at DESC, id DESC);
-- The search text, repeated verbatim by the store's q filter so the planner matches
-- it to the trigram index (as complaints_text_trgm, migration 00008). array_to_string
-- is only STABLE, so the keywords are joined by an immutable wrapper.
-- +goose StatementBegin
CREATE FUNCTION knowledge_search_text(title text, body text, keywords text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN title || E'\n' || body || E'\n' || array_to_string(keywords, E'\n');
-- +goose StatementEnd
CREATE INDEX knowledge_articles_text_trgm ON knowledge_articles
    USING gin (knowledge_search_text(title, body, keywords) gin_trgm_ops);
-- The monitor reads the live articles by owner.
CREATE INDEX knowledge_articles_live_by_owner ON knowledge_articles (owner) WHERE retired_at IS NULL;

ALTER TABLE risk_alerts DROP CONSTRAINT risk_alerts_condition_check;
ALTER TABLE risk_alerts ADD CONSTRAINT risk_alerts_condition_check CHECK (condition IN
    ('csat_drop', 'volume_spike', 'sla_compliance', 'slow_response', 'staff_turnover', 'kpi_target', 'training_gap',
     'stale_knowledge', 'manual'));

-- +goose Down
-- The old condition CHECK cannot hold stale-knowledge alerts: they go, history and all.
ALTER TABLE risk_alert_events DISABLE TRIGGER risk_alert_events_append_only;
DELETE FROM risk_alert_events WHERE alert_id IN (SELECT id FROM risk_alerts WHERE condition = 'stale_knowledge');
ALTER TABLE risk_alert_events ENABLE TRIGGER risk_alert_events_append_only;
DELETE FROM risk_alerts WHERE condition = 'stale_knowledge';
ALTER TABLE risk_alerts DROP CONSTRAINT risk_alerts_condition_check;
ALTER TABLE risk_alerts ADD CONSTRAINT risk_alerts_condition_check CHECK (condition IN
    ('csat_drop', 'volume_spike', 'sla_compliance', 'slow_response', 'staff_turnover', 'kpi_target', 'training_gap',
     'manual'));
DROP TABLE knowledge_articles;
DROP FUNCTION knowledge_search_text;
