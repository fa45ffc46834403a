-- Tenancy is enforced by the database as well as by the code: FORCE makes the
-- policies bind the table owner too (drizzle-kit only emits ENABLE).
ALTER TABLE "catalog"."versions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."categories" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."items" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."variants" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."modifier_groups" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."modifier_options" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."item_modifier_groups" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."tax_rates" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."item_tax_rates" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."price_overrides" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."unavailable_items" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."outbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."inbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- The application role gets exactly what the code needs. Items and variants
-- are never deleted (they may have been sold: archive instead); the audit log
-- is append-only.
GRANT USAGE ON SCHEMA "catalog" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "catalog"."versions" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."categories" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "catalog"."items" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "catalog"."variants" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "catalog"."modifier_groups" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."modifier_options" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON "catalog"."item_modifier_groups" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."tax_rates" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON "catalog"."item_tax_rates" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."price_overrides" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."unavailable_items" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "catalog"."audit_log" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "catalog"."outbox" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "catalog"."inbox" TO stratum_app;--> statement-breakpoint

-- A tax rate that has been attached to an item may have been charged: it can be
-- (de)activated but never changed in meaning or deleted (ADR 0011). The code
-- refuses first; this trigger is the backstop for any other path.
CREATE FUNCTION "catalog".guard_used_tax_rate() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF OLD.used_at IS NULL THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'tax rate % has been used and cannot be deleted', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.used_at IS NULL
     OR (NEW.name, NEW.rate_bps, NEW.inclusive) IS DISTINCT FROM (OLD.name, OLD.rate_bps, OLD.inclusive) THEN
    RAISE EXCEPTION 'tax rate % has been used and cannot be changed', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER tax_rates_guard_used BEFORE UPDATE OR DELETE ON "catalog"."tax_rates"
FOR EACH ROW EXECUTE FUNCTION "catalog".guard_used_tax_rate();
