-- Customers hear from us in their language (001: 考虑目标客户群体的语言和文化习惯):
-- each complaint keeps its customer's locale, admins may replace the seeded text of
-- any customer notice per locale (internal/message), and the survey asks the seeds'
-- four 5-point questions (002 §10.1).

-- +goose Up
ALTER TABLE complaints
    -- Complaints filed before locales existed are told in the default, zh-CN.
    ADD COLUMN customer_locale text NOT NULL DEFAULT 'zh-CN' CHECK (customer_locale IN ('zh-CN', 'en'));

-- An admin's version of a customer text; a key and locale without a row use the
-- seeded text in internal/message.
CREATE TABLE message_templates (
    key        text        NOT NULL,
    locale     text        NOT NULL CHECK (locale IN ('zh-CN', 'en')),
    subject    text        NOT NULL,
    body       text        NOT NULL,
    updated_by text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, locale)
);

ALTER TABLE surveys
    -- 002 §10.1: response speed, problem solved and service attitude, 1–5 (overall
    -- satisfaction is csat).
    ADD COLUMN response_speed   smallint CHECK (response_speed BETWEEN 1 AND 5),
    ADD COLUMN problem_solved   smallint CHECK (problem_solved BETWEEN 1 AND 5),
    ADD COLUMN service_attitude smallint CHECK (service_attitude BETWEEN 1 AND 5);

-- +goose Down
ALTER TABLE surveys DROP COLUMN response_speed, DROP COLUMN problem_solved, DROP COLUMN service_attitude;
DROP TABLE message_templates;
ALTER TABLE complaints DROP COLUMN customer_locale;
