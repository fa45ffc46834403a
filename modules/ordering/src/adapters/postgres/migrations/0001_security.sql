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
