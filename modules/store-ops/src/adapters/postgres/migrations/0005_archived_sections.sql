-- A removed floor section is archived (status), no longer deleted: the tables
-- it held are kept for the orders that name them, and still belong to it. Only
-- active sections' names are unique, so a removed section's name can be reused.
DROP INDEX "store_ops"."floor_sections_name_key";--> statement-breakpoint
ALTER TABLE "store_ops"."floor_sections" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "floor_sections_name_key" ON "store_ops"."floor_sections" USING btree ("tenant_id","store_id",lower("name")) WHERE status = 'active';