-- Tenancy is enforced by the database as well as by the code: FORCE makes the
-- policies bind the table owner too (drizzle-kit only emits ENABLE).
ALTER TABLE "identity"."tenants" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "identity"."users" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "identity"."sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "identity"."refresh_tokens" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "identity"."devices" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "identity"."outbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "identity"."inbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- The application role gets exactly what the code needs; nothing is deleted
-- except spent refresh tokens.
GRANT USAGE ON SCHEMA "identity" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "identity"."tenants" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "identity"."users" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "identity"."sessions" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "identity"."refresh_tokens" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "identity"."devices" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "identity"."signing_keys" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "identity"."outbox" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "identity"."inbox" TO stratum_app;--> statement-breakpoint

-- Before authentication there is no tenant to scope to. These functions answer
-- one narrow question each ("which tenant does this credential belong to?")
-- with the owner's rights; the rows themselves stay behind RLS.
CREATE FUNCTION "identity".tenant_of_email(p_email text)
RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT tenant_id FROM "identity"."users" WHERE lower(email) = lower(p_email) $$;--> statement-breakpoint
CREATE FUNCTION "identity".tenant_of_refresh_token(p_hash text)
RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT tenant_id FROM "identity"."refresh_tokens" WHERE token_hash = p_hash $$;--> statement-breakpoint
CREATE FUNCTION "identity".tenant_of_device_token(p_hash text)
RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT tenant_id FROM "identity"."devices" WHERE token_hash = p_hash $$;--> statement-breakpoint
REVOKE ALL ON FUNCTION "identity".tenant_of_email(text) FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION "identity".tenant_of_refresh_token(text) FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION "identity".tenant_of_device_token(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION "identity".tenant_of_email(text) TO stratum_app;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION "identity".tenant_of_refresh_token(text) TO stratum_app;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION "identity".tenant_of_device_token(text) TO stratum_app;
