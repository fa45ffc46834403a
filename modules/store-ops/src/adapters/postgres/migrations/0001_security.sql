-- Tenancy is enforced by the database as well as by the code: FORCE makes the
-- policies bind the table owner too (drizzle-kit only emits ENABLE).
ALTER TABLE "store_ops"."stores" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."registers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."floor_sections" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."floor_tables" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."drawer_sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."drawer_movements" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."z_reports" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."receipt_sequences" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."receipt_numbers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."outbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."inbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- The application role gets exactly what the code needs. The drawer ledger, Z
-- reports, issued receipt numbers and the audit log are append-only: SELECT and
-- INSERT, no UPDATE or DELETE. Only empty floor sections are ever deleted.
GRANT USAGE ON SCHEMA "store_ops" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "store_ops"."stores" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "store_ops"."registers" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "store_ops"."floor_sections" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "store_ops"."floor_tables" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "store_ops"."drawer_sessions" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "store_ops"."drawer_movements" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "store_ops"."z_reports" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "store_ops"."receipt_sequences" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "store_ops"."receipt_numbers" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "store_ops"."audit_log" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "store_ops"."outbox" TO stratum_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "store_ops"."inbox" TO stratum_app;
