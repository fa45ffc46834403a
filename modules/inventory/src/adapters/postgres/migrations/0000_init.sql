CREATE SCHEMA "inventory";
--> statement-breakpoint
CREATE TABLE "inventory"."audit_log" (
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
ALTER TABLE "inventory"."audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."counts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"note" text,
	"lines" jsonb NOT NULL,
	"counted_by" text,
	"counted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inventory"."counts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."inbox" (
	"message_id" uuid NOT NULL,
	"handler" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_message_id_handler_pk" PRIMARY KEY("message_id","handler")
);
--> statement-breakpoint
ALTER TABLE "inventory"."inbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"unit" text NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inventory"."items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."levels" (
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"stock_item_id" uuid NOT NULL,
	"on_hand" bigint DEFAULT 0 NOT NULL,
	"reserved" bigint DEFAULT 0 NOT NULL,
	"in_transit" bigint DEFAULT 0 NOT NULL,
	"low_stock_threshold" bigint,
	"low_stock_alerted" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "levels_tenant_id_store_id_stock_item_id_pk" PRIMARY KEY("tenant_id","store_id","stock_item_id"),
	CONSTRAINT "levels_reserved_check" CHECK (reserved >= 0),
	CONSTRAINT "levels_in_transit_check" CHECK (in_transit >= 0)
);
--> statement-breakpoint
ALTER TABLE "inventory"."levels" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."movements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"stock_item_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"quantity" bigint NOT NULL,
	"on_hand_after" bigint NOT NULL,
	"reason" text,
	"reference_type" text NOT NULL,
	"reference_id" text,
	"actor_id" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "movements_sign_check" CHECK ((kind in ('sale', 'transfer-out', 'waste') and quantity < 0)
        or (kind in ('receipt', 'transfer-in') and quantity > 0)
        or (kind in ('adjustment', 'count-correction') and quantity <> 0))
);
--> statement-breakpoint
ALTER TABLE "inventory"."movements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."outbox" (
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
ALTER TABLE "inventory"."outbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."recipes" (
	"variant_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"components" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inventory"."recipes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."reservation_holds" (
	"tenant_id" uuid NOT NULL,
	"reservation_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"stock_item_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"quantity" bigint NOT NULL,
	CONSTRAINT "reservation_holds_reservation_id_stock_item_id_pk" PRIMARY KEY("reservation_id","stock_item_id"),
	CONSTRAINT "reservation_holds_quantity_check" CHECK (quantity > 0)
);
--> statement-breakpoint
ALTER TABLE "inventory"."reservation_holds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."reservations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"status" text NOT NULL,
	"policy" text NOT NULL,
	"lines" jsonb NOT NULL,
	"reference" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone,
	"sale_batch_id" uuid
);
--> statement-breakpoint
ALTER TABLE "inventory"."reservations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."stock_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"item_name" text NOT NULL,
	"variant_name" text NOT NULL,
	"sku" text,
	"unit" text NOT NULL,
	"kind" text NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inventory"."stock_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."transfer_lines" (
	"tenant_id" uuid NOT NULL,
	"transfer_id" uuid NOT NULL,
	"stock_item_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"quantity" bigint NOT NULL,
	CONSTRAINT "transfer_lines_transfer_id_stock_item_id_pk" PRIMARY KEY("transfer_id","stock_item_id"),
	CONSTRAINT "transfer_lines_quantity_check" CHECK (quantity > 0)
);
--> statement-breakpoint
ALTER TABLE "inventory"."transfer_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inventory"."transfers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"from_store_id" uuid NOT NULL,
	"to_store_id" uuid NOT NULL,
	"status" text NOT NULL,
	"note" text,
	"dispatched_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatched_by" text,
	"dispatch_batch_id" uuid NOT NULL,
	"received_at" timestamp with time zone,
	"received_by" text,
	"receive_batch_id" uuid
);
--> statement-breakpoint
ALTER TABLE "inventory"."transfers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inventory"."reservation_holds" ADD CONSTRAINT "reservation_holds_reservation_id_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "inventory"."reservations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory"."transfer_lines" ADD CONSTRAINT "transfer_lines_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "inventory"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "inventory"."audit_log" USING btree ("tenant_id","entity_type","entity_id","at");--> statement-breakpoint
CREATE INDEX "levels_item_idx" ON "inventory"."levels" USING btree ("tenant_id","stock_item_id","store_id");--> statement-breakpoint
CREATE INDEX "levels_store_on_hand_idx" ON "inventory"."levels" USING btree ("tenant_id","store_id","on_hand","stock_item_id");--> statement-breakpoint
CREATE INDEX "movements_tenant_idx" ON "inventory"."movements" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "movements_level_idx" ON "inventory"."movements" USING btree ("tenant_id","store_id","stock_item_id","id");--> statement-breakpoint
CREATE INDEX "movements_batch_idx" ON "inventory"."movements" USING btree ("tenant_id","batch_id");--> statement-breakpoint
CREATE INDEX "movements_reference_idx" ON "inventory"."movements" USING btree ("tenant_id","reference_id");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "inventory"."outbox" USING btree ("available_at","id") WHERE published_at is null and dead_at is null;--> statement-breakpoint
CREATE INDEX "recipes_tenant_idx" ON "inventory"."recipes" USING btree ("tenant_id","variant_id");--> statement-breakpoint
CREATE INDEX "reservation_holds_level_idx" ON "inventory"."reservation_holds" USING btree ("tenant_id","store_id","stock_item_id");--> statement-breakpoint
CREATE INDEX "reservations_tenant_idx" ON "inventory"."reservations" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "reservations_due_idx" ON "inventory"."reservations" USING btree ("expires_at") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "stock_items_tenant_idx" ON "inventory"."stock_items" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "stock_items_item_idx" ON "inventory"."stock_items" USING btree ("tenant_id","item_id");--> statement-breakpoint
CREATE INDEX "transfers_tenant_idx" ON "inventory"."transfers" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "transfers_open_idx" ON "inventory"."transfers" USING btree ("tenant_id","to_store_id") WHERE status = 'dispatched';--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."audit_log" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."counts" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_or_system" ON "inventory"."inbox" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."items" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."levels" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."movements" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_or_system" ON "inventory"."outbox" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."recipes" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."reservation_holds" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."reservations" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."stock_items" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."transfer_lines" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inventory"."transfers" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);