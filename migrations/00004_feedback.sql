-- Other feedback (suggestions, ratings, social-media mentions), classified by
-- configurable keyword rules; low-urgency feedback feeds an improvement backlog
-- instead of a complaint SLA; keywords at intake feed the heat map (DOMAIN.md §2).

-- +goose Up
-- Keyword rules: per dimension, the matching rule of highest priority decides. The
-- API replaces the whole set at once; rows keep the order they were given in (id).
CREATE TABLE classification_rules (
    id         bigserial   PRIMARY KEY,
    dimension  text        NOT NULL,
    value      text        NOT NULL,
    keywords   text[]      NOT NULL CHECK (cardinality(keywords) BETWEEN 1 AND 100),
    priority   integer     NOT NULL CHECK (priority BETWEEN 0 AND 1000),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL DEFAULT 'seed',
    CHECK ((dimension = 'problem_type' AND value IN ('product', 'service', 'logistics', 'after_sales', 'other'))
        OR (dimension = 'urgency' AND value IN ('high', 'medium', 'low'))
        OR (dimension = 'scope' AND value IN ('individual', 'group', 'industry')))
);

-- Defaults in Chinese and English. Problem types share priority 10 (ties go to the
-- type with more matching words, then the one named first); "售后" outranks the
-- "服务" inside "售后服务". Urgency: high 30 > medium 20 > low 10, so a suggestion
-- that also reports a defect is not parked in the backlog. Scope: industry > group;
-- individual is the default when nothing matches.
INSERT INTO classification_rules (dimension, value, priority, keywords) VALUES
('problem_type', 'product', 10, ARRAY['质量', '产品', '故障', '瑕疵', '做工', '假货', '次品', '坏了', '损坏', '闪退', '卡顿',
    '功能', '套餐', '漏水', '开裂', '掉色', '异味', '过期', 'quality', 'product*', 'defect*', 'faulty', 'fault*', 'broken',
    'crash*', 'bug*', 'feature*', 'malfunction*', 'counterfeit', 'fake', 'expired']),
('problem_type', 'service', 10, ARRAY['客服', '态度', '服务', '不耐烦', '敷衍', '排队', '没人理', '无人回复', '打不通', '推诿',
    '服务员', '工作人员', 'agent*', 'staff', 'rude', 'attitude', 'service', 'support', 'hotline', 'unhelpful', 'on hold',
    'ignored', 'no reply', 'no response']),
('problem_type', 'logistics', 10, ARRAY['物流', '快递', '配送', '发货', '送货', '包裹', '派送', '运输', '延误', '到货', '漏发',
    '错发', '丢件', '快递员', '签收', 'deliver*', 'shipping', 'shipment*', 'shipped', 'parcel*', 'package*', 'courier*',
    'logistic*', 'late', 'dispatch*', 'tracking']),
('problem_type', 'after_sales', 20, ARRAY['售后', '售后服务', 'after-sales', 'after sales']),
('problem_type', 'after_sales', 10, ARRAY['退货', '退款', '换货', '维修', '保修', '返修', '安装', '退换', '三包', '质保', '赔偿',
    'refund*', 'return*', 'exchange*', 'repair*', 'warranty', 'replacement', 'installation']),
('urgency', 'high', 30, ARRAY['重大', '严重', '紧急', '安全隐患', '安全问题', '起火', '着火', '爆炸', '冒烟', '触电', '受伤',
    '中毒', '过敏', '曝光', '律师', '起诉', '法院', '诈骗', '欺诈', '12315', '消协', '消费者协会', '报警', '愤怒', '气愤',
    'urgent', 'emergency', 'danger*', 'unsafe', 'safety', 'fire', 'smoke', 'explod*', 'injur*', 'hurt', 'poison*',
    'allergic', 'lawsuit', 'lawyer', 'sue', 'court', 'fraud*', 'scam*', 'police', 'angry', 'furious', 'outrage*',
    'data breach', 'data leak', 'outage']),
('urgency', 'medium', 20, ARRAY['投诉', '差', '慢', '不满', '失望', '生气', '差评', '垃圾', '骗', '坑', '不好', '不行', '退款',
    '延误', '延迟', '丢件', '破损', '故障', '坏', '坏了', '错发', '漏发', '没收到', '未收到', '未到', '没到', '拖延', '敷衍',
    '闪退', 'complain*', 'terrible', 'awful', 'horrible', 'bad', 'poor', 'slow', 'late', 'delay*', 'broken', 'damaged',
    'disappoint*', 'worst', 'useless', 'unacceptable', 'rude', 'never arrived', 'not working', 'doesn''t work', 'missing',
    'wrong', 'refund*']),
('urgency', 'low', 10, ARRAY['建议', '希望', '能否', '能不能', '可否', '期待', '如果能', '最好能', '改进', '优化', '增加', '添加',
    '新功能', 'suggest*', 'idea', 'wish', 'would be nice', 'would love', 'feature request', 'could you', 'please add',
    'improve*']),
('scope', 'industry', 30, ARRAY['行业', '全行业', '整个行业', '业内', '同行', '各家', '所有商家', '监管', 'industry',
    'industry-wide', 'sector', 'across the market', 'regulator*']),
('scope', 'group', 20, ARRAY['很多人', '许多人', '大家', '多名', '多位', '集体', '批量', '大批', '大量', '大面积', '一批',
    '不少人', '都遇到', '普遍', '很多用户', '很多客户', 'many customers', 'many people', 'several customers',
    'multiple customers', 'everyone', 'other customers', 'lots of people', 'a lot of people', 'we all', 'widespread',
    'all users']);

-- Feedback that is not (yet) a complaint. A low-urgency piece goes to the
-- improvement backlog; medium or high urgency files a complaint (complaint_id).
CREATE TABLE feedback (
    id                 uuid        PRIMARY KEY,
    -- Optional: set by intake systems that retry; NULLs never collide.
    external_id        text        UNIQUE,
    request_hash       text        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('suggestion', 'rating', 'social_mention', 'other')),
    channel            text        NOT NULL,
    text               text        NOT NULL DEFAULT '',
    rating             smallint    CHECK (rating BETWEEN 1 AND 5),
    customer_id        text,
    customer_name      text,
    customer_tier      text        CHECK (customer_tier IN ('high', 'medium', 'low')),
    customer_phone     text,
    customer_email     text,
    customer_address   text,
    -- The classification at intake, with the rules that made it.
    problem_type       text        NOT NULL,
    urgency            text        NOT NULL CHECK (urgency IN ('high', 'medium', 'low')),
    scope              text        NOT NULL CHECK (scope IN ('individual', 'group', 'industry')),
    matched_rules      jsonb       NOT NULL DEFAULT '[]',
    keywords           text[]      NOT NULL DEFAULT '{}',
    disposition        text        NOT NULL CHECK (disposition IN ('complaint', 'backlog', 'recorded')),
    disposition_reason text        NOT NULL DEFAULT '',
    complaint_id       uuid        REFERENCES complaints (id),
    received_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'rating' OR rating IS NOT NULL),
    CHECK (disposition = 'complaint' OR complaint_id IS NULL)
);

CREATE INDEX feedback_by_received ON feedback (received_at DESC, id DESC);

-- Improvement ideas from low-urgency feedback, for the PDCA cycles to draw on.
CREATE TABLE improvement_backlog (
    id           uuid        PRIMARY KEY,
    -- One item per feedback, however often intake retries.
    feedback_id  uuid        NOT NULL UNIQUE REFERENCES feedback (id),
    title        text        NOT NULL,
    problem_type text        NOT NULL,
    keywords     text[]      NOT NULL DEFAULT '{}',
    status       text        NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'planned', 'done', 'rejected')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text        NOT NULL DEFAULT 'system'
);

CREATE INDEX improvement_backlog_by_created ON improvement_backlog (created_at DESC, id DESC);

-- Complaints get their keywords and scope at intake too (the category is the
-- problem type), so the heat map covers both.
ALTER TABLE complaints
    ADD COLUMN keywords text[] NOT NULL DEFAULT '{}',
    ADD COLUMN scope    text   NOT NULL DEFAULT 'individual' CHECK (scope IN ('individual', 'group', 'industry'));

-- +goose Down
ALTER TABLE complaints DROP COLUMN scope, DROP COLUMN keywords;
DROP TABLE improvement_backlog;
DROP TABLE feedback;
DROP TABLE classification_rules;
