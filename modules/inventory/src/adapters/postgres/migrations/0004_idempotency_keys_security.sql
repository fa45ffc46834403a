-- Idempotency-Keys are bound by their tenant for the owner too. The claiming
-- transaction inserts a key and then stores its answer (UPDATE); keys are
-- never deleted, so a retry however late still finds its answer.
ALTER TABLE "inventory"."idempotency_keys" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "inventory"."idempotency_keys" TO stratum_app;
