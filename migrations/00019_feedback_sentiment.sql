-- Sentiment of feedback text (issue 16; 001 「情感分析」, 003 「情感分析主要關注客戶反饋的
-- 情感傾向」): the label and score the sentiment model gave at intake, anger and its
-- reasons (002 §3.2), and the delivery or service failures the text names. Rows
-- recorded before this migration are neutral, score 0.

-- +goose Up
ALTER TABLE feedback
    ADD COLUMN sentiment       text    NOT NULL DEFAULT 'neutral' CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    ADD COLUMN sentiment_score real    NOT NULL DEFAULT 0 CHECK (sentiment_score BETWEEN -1 AND 1),
    ADD COLUMN anger           boolean NOT NULL DEFAULT false,
    ADD COLUMN anger_reasons   text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN failures        text[]  NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE feedback
    DROP COLUMN failures, DROP COLUMN anger_reasons, DROP COLUMN anger, DROP COLUMN sentiment_score, DROP COLUMN sentiment;
