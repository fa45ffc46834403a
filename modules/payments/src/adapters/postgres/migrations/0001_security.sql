-- Tenancy is enforced by the database as well as by the code: FORCE makes the
-- policies bind the table owner too (drizzle-kit only emits ENABLE).
ALTER TABLE "payments"."payment_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "payments"."payments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "payments"."idempotency_keys" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "payments"."store_settings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "payments"."audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "payments"."outbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "payments"."inbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- The application role gets exactly what the code needs. The event store and
-- the audit log are append-only: SELECT and INSERT. The read model and the
-- store settings are updated in place; Idempotency-Key claims are deleted
-- when a request fails in a way the client may retry.
GRANT USAGE ON SCHEMA "payments" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "payments"."payment_events" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "payments"."payments" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "payments"."idempotency_keys" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "payments"."store_settings" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "payments"."audit_log" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "payments"."outbox" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "payments"."inbox" TO stratum_app;--> statement-breakpoint

-- A payment's events are facts: no one rewrites or removes them, not even the
-- schema owner by mistake (ADR 0015). The grants already keep the application
-- out; the trigger also stops psql sessions and future code paths.
CREATE FUNCTION "payments".refuse_event_change() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION 'payments.payment_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER payment_events_append_only BEFORE UPDATE OR DELETE ON "payments"."payment_events"
FOR EACH ROW EXECUTE FUNCTION "payments".refuse_event_change();--> statement-breakpoint
CREATE TRIGGER payment_events_no_truncate BEFORE TRUNCATE ON "payments"."payment_events"
FOR EACH STATEMENT EXECUTE FUNCTION "payments".refuse_event_change();
