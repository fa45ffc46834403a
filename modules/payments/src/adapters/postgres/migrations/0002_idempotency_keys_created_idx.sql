-- The Idempotency-Key retention sweep deletes the oldest keys across tenants
-- in batches. The table was never pruned before this release, so it may be
-- large: build the index by hand first (ADR 0006), then this is a no-op:
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS "idempotency_keys_created_idx"
--     ON "payments"."idempotency_keys" USING btree ("created_at");
CREATE INDEX IF NOT EXISTS "idempotency_keys_created_idx" ON "payments"."idempotency_keys" USING btree ("created_at");
