DROP POLICY "tenant_isolation" ON "ordering"."store_settings" CASCADE;--> statement-breakpoint
DROP TABLE "ordering"."store_settings" CASCADE;