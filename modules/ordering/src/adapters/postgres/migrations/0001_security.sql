-- Tenancy is enforced by the database as well as by the code: FORCE makes the
-- policies bind the table owner too (drizzle-kit only emits ENABLE). The
-- checkout saga's tables (checkout-schema.ts) are ordering's too.
ALTER TABLE "ordering"."orders" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."order_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."order_numbers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."kitchen_tickets" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."receipts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."store_settings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."checkouts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."checkout_steps" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."outbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ordering"."inbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- The application role gets exactly what the code needs. Order events,
-- receipts, the checkout step log and the audit log are append-only: SELECT
-- and INSERT. Nothing in ordering is ever deleted.
GRANT USAGE ON SCHEMA "ordering" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "ordering"."orders" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "ordering"."order_events" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "ordering"."order_numbers" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "ordering"."kitchen_tickets" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "ordering"."receipts" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "ordering"."store_settings" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "ordering"."checkouts" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "ordering"."checkout_steps" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "ordering"."audit_log" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "ordering"."outbox" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "ordering"."inbox" TO stratum_app;
--> statement-breakpoint
-- The checkout recovery worker works across tenants but may only learn which
-- sagas are due; it then drives each in its own tenant's transactions, under
-- RLS (ADR 0014).
CREATE FUNCTION "ordering".due_checkouts(p_now timestamptz, p_limit integer)
RETURNS TABLE (tenant_id uuid, id uuid) LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT c.tenant_id, c.id FROM "ordering"."checkouts" c
  WHERE c.status IN ('running', 'compensating')
    AND (c.lease_until IS NULL OR c.lease_until < p_now)
  ORDER BY c.created_at
  LIMIT p_limit
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION "ordering".due_checkouts(timestamptz, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION "ordering".due_checkouts(timestamptz, integer) TO stratum_app;
