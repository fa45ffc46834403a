CREATE SCHEMA "catalog";
--> statement-breakpoint
CREATE TABLE "catalog"."audit_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"actor_id" text,
	"before" jsonb,
	"after" jsonb,
	"reason" text,
	"request_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "catalog"."audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."categories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "catalog"."categories" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."inbox" (
	"message_id" uuid NOT NULL,
	"handler" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_message_id_handler_pk" PRIMARY KEY("message_id","handler")
);
--> statement-breakpoint
ALTER TABLE "catalog"."inbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."item_modifier_groups" (
	"tenant_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "item_modifier_groups_tenant_id_item_id_group_id_pk" PRIMARY KEY("tenant_id","item_id","group_id")
);
--> statement-breakpoint
ALTER TABLE "catalog"."item_modifier_groups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."item_tax_rates" (
	"tenant_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"tax_rate_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "item_tax_rates_tenant_id_item_id_tax_rate_id_pk" PRIMARY KEY("tenant_id","item_id","tax_rate_id")
);
--> statement-breakpoint
ALTER TABLE "catalog"."item_tax_rates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"category_id" uuid,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"unit" text NOT NULL,
	"description" text,
	"image_url" text,
	"kitchen_station" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "items_kind_check" CHECK ("catalog"."items"."kind" in ('menu', 'retail', 'ingredient')),
	CONSTRAINT "items_unit_check" CHECK ("catalog"."items"."unit" in ('each', 'g', 'ml'))
);
--> statement-breakpoint
ALTER TABLE "catalog"."items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."modifier_groups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"min_selections" integer NOT NULL,
	"max_selections" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "modifier_groups_bounds_check" CHECK ("catalog"."modifier_groups"."min_selections" >= 0 and "catalog"."modifier_groups"."max_selections" >= 1 and "catalog"."modifier_groups"."min_selections" <= "catalog"."modifier_groups"."max_selections")
);
--> statement-breakpoint
ALTER TABLE "catalog"."modifier_groups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."modifier_options" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"name" text NOT NULL,
	"price_delta_minor" bigint NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "catalog"."modifier_options" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"envelope" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"published_at" timestamp with time zone,
	"dead_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "catalog"."outbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."price_overrides" (
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"price_minor" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_overrides_tenant_id_store_id_variant_id_pk" PRIMARY KEY("tenant_id","store_id","variant_id"),
	CONSTRAINT "price_overrides_price_check" CHECK ("catalog"."price_overrides"."price_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "catalog"."price_overrides" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."tax_rates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"rate_bps" integer NOT NULL,
	"inclusive" boolean NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tax_rates_rate_check" CHECK ("catalog"."tax_rates"."rate_bps" between 0 and 10000)
);
--> statement-breakpoint
ALTER TABLE "catalog"."tax_rates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."unavailable_items" (
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unavailable_items_tenant_id_store_id_item_id_pk" PRIMARY KEY("tenant_id","store_id","item_id")
);
--> statement-breakpoint
ALTER TABLE "catalog"."unavailable_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."variants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"name" text NOT NULL,
	"sku" text,
	"barcode" text,
	"price_minor" bigint NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "variants_price_check" CHECK ("catalog"."variants"."price_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "catalog"."variants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog"."versions" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "catalog"."versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalog"."item_modifier_groups" ADD CONSTRAINT "item_modifier_groups_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "catalog"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."item_modifier_groups" ADD CONSTRAINT "item_modifier_groups_group_id_modifier_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "catalog"."modifier_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."item_tax_rates" ADD CONSTRAINT "item_tax_rates_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "catalog"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."item_tax_rates" ADD CONSTRAINT "item_tax_rates_tax_rate_id_tax_rates_id_fk" FOREIGN KEY ("tax_rate_id") REFERENCES "catalog"."tax_rates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."items" ADD CONSTRAINT "items_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "catalog"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."modifier_options" ADD CONSTRAINT "modifier_options_group_id_modifier_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "catalog"."modifier_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."price_overrides" ADD CONSTRAINT "price_overrides_variant_id_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "catalog"."variants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."unavailable_items" ADD CONSTRAINT "unavailable_items_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "catalog"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."variants" ADD CONSTRAINT "variants_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "catalog"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "catalog"."audit_log" USING btree ("tenant_id","entity_type","entity_id","at");--> statement-breakpoint
CREATE INDEX "categories_position_idx" ON "catalog"."categories" USING btree ("tenant_id","position","id");--> statement-breakpoint
CREATE INDEX "items_name_idx" ON "catalog"."items" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE INDEX "items_created_idx" ON "catalog"."items" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "items_category_idx" ON "catalog"."items" USING btree ("tenant_id","category_id");--> statement-breakpoint
CREATE INDEX "modifier_groups_name_idx" ON "catalog"."modifier_groups" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE INDEX "modifier_groups_created_idx" ON "catalog"."modifier_groups" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "modifier_options_group_idx" ON "catalog"."modifier_options" USING btree ("tenant_id","group_id","position");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "catalog"."outbox" USING btree ("available_at","id") WHERE published_at is null and dead_at is null;--> statement-breakpoint
CREATE INDEX "tax_rates_created_idx" ON "catalog"."tax_rates" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "variants_sku_key" ON "catalog"."variants" USING btree ("tenant_id","sku") WHERE "catalog"."variants"."sku" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "variants_barcode_key" ON "catalog"."variants" USING btree ("tenant_id","barcode") WHERE "catalog"."variants"."barcode" is not null;--> statement-breakpoint
CREATE INDEX "variants_item_idx" ON "catalog"."variants" USING btree ("tenant_id","item_id","position");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."audit_log" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."categories" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_or_system" ON "catalog"."inbox" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."item_modifier_groups" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."item_tax_rates" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."items" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."modifier_groups" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."modifier_options" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_or_system" ON "catalog"."outbox" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."price_overrides" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."tax_rates" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."unavailable_items" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."variants" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "catalog"."versions" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);