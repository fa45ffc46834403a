-- Tenancy is enforced by the database as well as by the code: FORCE makes the
-- policies bind the table owner too (drizzle-kit only emits ENABLE).
ALTER TABLE "inventory"."items" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."stock_items" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."levels" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."movements" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."reservations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."reservation_holds" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."recipes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."counts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."transfers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."transfer_lines" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."outbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."inbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- The application role gets exactly what the code needs. The ledger, holds,
-- transfer lines, counts and the audit log are append-only: SELECT and INSERT.
-- Levels are a projection and are updated; only recipes are ever deleted.
GRANT USAGE ON SCHEMA "inventory" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "inventory"."items" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "inventory"."stock_items" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "inventory"."levels" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "inventory"."movements" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "inventory"."reservations" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "inventory"."reservation_holds" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "inventory"."recipes" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "inventory"."counts" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "inventory"."transfers" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "inventory"."transfer_lines" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "inventory"."audit_log" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "inventory"."outbox" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "inventory"."inbox" TO stratum_app;--> statement-breakpoint

-- The reservation sweeper works across tenants but may only learn which
-- tenants have lapsed reservations; it then expires them in each tenant's own
-- transaction, under RLS (ADR 0013).
CREATE FUNCTION "inventory".tenants_with_due_reservations(p_now timestamptz, p_limit integer)
RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT DISTINCT tenant_id FROM "inventory"."reservations"
  WHERE status = 'active' AND expires_at <= p_now
  LIMIT p_limit
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION "inventory".tenants_with_due_reservations(timestamptz, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION "inventory".tenants_with_due_reservations(timestamptz, integer) TO stratum_app;
