-- The devices store-ops has heard of, bound by their tenant for the owner too,
-- and written only by the inbox handlers that follow identity's events.
ALTER TABLE "store_ops"."devices" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "store_ops"."devices" TO stratum_app;
