-- Policies by source and routing by customer value and channel (issue 14 items 1, 6):
-- an SLA policy may be chosen by where a complaint came from (001 "实时反馈机制":
-- negative touch-point feedback answered within 15 minutes, solved within 24 hours),
-- routing rules may name a customer tier and a channel besides the category
-- (002 §2.3), and an angry customer (002 §3.2) is found by sentiment rules of the
-- feedback classifier and raised one urgency level. Precedence is in package
-- complaint (PickPolicy, PickRoute), documented in docs/policies.md.

-- +goose Up
ALTER TABLE sla_policies
    -- '*': the urgency × tier matrix; otherwise the source the policy is for.
    ADD COLUMN source text NOT NULL DEFAULT '*'
        CHECK (source IN ('*', 'direct', 'negative_feedback', 'social_mention', 'feedback')),
    DROP CONSTRAINT sla_policies_pkey,
    DROP CONSTRAINT sla_policies_urgency_check,
    DROP CONSTRAINT sla_policies_tier_check,
    ADD CONSTRAINT sla_policies_urgency_check CHECK (urgency IN ('high', 'medium', 'low', '*')),
    ADD CONSTRAINT sla_policies_tier_check CHECK (tier IN ('high', 'medium', 'low', '*')),
    -- Only a source policy may leave urgency or tier open: the matrix has every cell.
    ADD CONSTRAINT sla_policies_matrix_exact CHECK (source <> '*' OR (urgency <> '*' AND tier <> '*')),
    ADD PRIMARY KEY (source, urgency, tier);

-- DOMAIN.md §1 (001): negative touch-point feedback, first response 15 min, solution 24 h.
INSERT INTO sla_policies (source, urgency, tier, first_response_seconds, resolution_seconds)
VALUES ('negative_feedback', '*', '*', 900, 86400);

-- The seeded high-tier cells run round the clock (002 §2.3: high-value customers are
-- served first); a company that changed them keeps its choice.
UPDATE sla_policies SET calendar_id = NULL WHERE tier = 'high' AND updated_by = 'seed';

ALTER TABLE routing_rules
    -- '*': any tier / channel.
    ADD COLUMN tier    text NOT NULL DEFAULT '*' CHECK (tier IN ('high', 'medium', 'low', '*')),
    ADD COLUMN channel text NOT NULL DEFAULT '*',
    DROP CONSTRAINT routing_rules_pkey,
    ADD PRIMARY KEY (category, tier, channel);

ALTER TABLE complaints
    ADD COLUMN source              text NOT NULL DEFAULT 'direct',
    -- The policy applied at filing (its key) and why it was chosen; NULL for
    -- complaints filed before policies had sources.
    ADD COLUMN policy_source       text,
    ADD COLUMN policy_urgency      text,
    ADD COLUMN policy_tier         text,
    ADD COLUMN policy_reason       text,
    -- Why the customer was taken as angry at intake; NULL when not.
    ADD COLUMN anger_reason        text,
    -- The urgency intake asked for, when anger raised it; NULL when not raised.
    ADD COLUMN urgency_raised_from text CHECK (urgency_raised_from IN ('medium', 'low'));

-- Complaints filed from feedback before: their source from the feedback.
UPDATE complaints c SET source = CASE
        WHEN f.rating <= 2 THEN 'negative_feedback'
        WHEN f.kind = 'social_mention' THEN 'social_mention'
        ELSE 'feedback' END
FROM feedback f WHERE f.complaint_id = c.id;

ALTER TABLE classification_rules DROP CONSTRAINT classification_rules_check;
ALTER TABLE classification_rules ADD CONSTRAINT classification_rules_check CHECK (
    (dimension = 'problem_type' AND value IN ('product', 'service', 'logistics', 'after_sales', 'other'))
    OR (dimension = 'urgency' AND value IN ('high', 'medium', 'low'))
    OR (dimension = 'scope' AND value IN ('individual', 'group', 'industry'))
    OR (dimension = 'sentiment' AND value = 'angry'));

-- Anger words (002 §3.2), in Chinese and English; an admin edits them with the rest.
INSERT INTO classification_rules (dimension, value, priority, keywords) VALUES
('sentiment', 'angry', 10, ARRAY['愤怒', '气愤', '气死', '火大', '恼火', '太过分', '忍无可忍', '岂有此理', '受够了',
    'angry', 'furious', 'outrage*', 'fuming', 'livid', 'enraged', 'disgust*', 'fed up', 'sick of']);

-- +goose Down
DELETE FROM classification_rules WHERE dimension = 'sentiment';
ALTER TABLE classification_rules DROP CONSTRAINT classification_rules_check;
ALTER TABLE classification_rules ADD CONSTRAINT classification_rules_check CHECK (
    (dimension = 'problem_type' AND value IN ('product', 'service', 'logistics', 'after_sales', 'other'))
    OR (dimension = 'urgency' AND value IN ('high', 'medium', 'low'))
    OR (dimension = 'scope' AND value IN ('individual', 'group', 'industry')));
ALTER TABLE complaints
    DROP COLUMN source, DROP COLUMN policy_source, DROP COLUMN policy_urgency, DROP COLUMN policy_tier,
    DROP COLUMN policy_reason, DROP COLUMN anger_reason, DROP COLUMN urgency_raised_from;
DELETE FROM routing_rules WHERE tier <> '*' OR channel <> '*';
ALTER TABLE routing_rules DROP CONSTRAINT routing_rules_pkey, DROP COLUMN tier, DROP COLUMN channel,
    ADD PRIMARY KEY (category);
DELETE FROM sla_policies WHERE source <> '*';
ALTER TABLE sla_policies
    DROP CONSTRAINT sla_policies_pkey, DROP CONSTRAINT sla_policies_matrix_exact,
    DROP CONSTRAINT sla_policies_urgency_check, DROP CONSTRAINT sla_policies_tier_check,
    DROP COLUMN source,
    ADD CONSTRAINT sla_policies_urgency_check CHECK (urgency IN ('high', 'medium', 'low')),
    ADD CONSTRAINT sla_policies_tier_check CHECK (tier IN ('high', 'medium', 'low')),
    ADD PRIMARY KEY (urgency, tier);
