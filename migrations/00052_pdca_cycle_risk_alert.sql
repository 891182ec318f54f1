-- A PDCA cycle opened for a risk alert names it, so the alert leads to the cycle
-- that carries out its solution and the cycle says why it was opened (002 §9.1
-- 「所有风险事件均需记录在《风险处置台账》中，详细记录问题根源、解决方案、执行人、完成时限和
-- 验证结果」, §9.2 「基于PDCA循环」: the solution is verified by the cycle's checks).
-- NULL: opened from a review, or by hand for no alert. Alerts are never deleted;
-- the reference keeps a cycle from naming one that does not exist.

-- A nullable column with its reference — the reference also takes a lock on
-- risk_alerts that holds off writes to it while the migration commits — and an
-- index (pdca_cycles is small); each waits for its lock at most 10 s.
-- +goose Up
SET LOCAL lock_timeout = '10s';
ALTER TABLE pdca_cycles ADD COLUMN risk_alert_id uuid REFERENCES risk_alerts (id);
CREATE INDEX pdca_cycles_risk_alert ON pdca_cycles (risk_alert_id) WHERE risk_alert_id IS NOT NULL;

-- +goose Down
ALTER TABLE pdca_cycles DROP COLUMN risk_alert_id;
