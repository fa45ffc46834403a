CREATE SCHEMA "ordering";
--> statement-breakpoint
CREATE TABLE "ordering"."audit_log" (
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
ALTER TABLE "ordering"."audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."inbox" (
	"message_id" uuid NOT NULL,
	"handler" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_message_id_handler_pk" PRIMARY KEY("message_id","handler")
);
--> statement-breakpoint
ALTER TABLE "ordering"."inbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."kitchen_tickets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"station" text NOT NULL,
	"course" integer NOT NULL,
	"status" text NOT NULL,
	"ticket" jsonb NOT NULL,
	"order_notes" text,
	"fired_at" timestamp with time zone NOT NULL,
	"bumped_at" timestamp with time zone,
	"bumped_by" text
);
--> statement-breakpoint
ALTER TABLE "ordering"."kitchen_tickets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."order_events" (
	"tenant_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"type" text NOT NULL,
	"event" jsonb NOT NULL,
	"actor_id" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "order_events_order_id_version_pk" PRIMARY KEY("order_id","version")
);
--> statement-breakpoint
ALTER TABLE "ordering"."order_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."order_numbers" (
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"business_date" text NOT NULL,
	"last_number" integer NOT NULL,
	CONSTRAINT "order_numbers_tenant_id_store_id_business_date_pk" PRIMARY KEY("tenant_id","store_id","business_date")
);
--> statement-breakpoint
ALTER TABLE "ordering"."order_numbers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"register_id" uuid NOT NULL,
	"number" text,
	"status" text NOT NULL,
	"state" jsonb NOT NULL,
	"notes" text,
	"request" jsonb NOT NULL,
	"split" jsonb,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ordering"."orders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."outbox" (
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
ALTER TABLE "ordering"."outbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."receipts" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"register_id" uuid NOT NULL,
	"receipt_number" integer NOT NULL,
	"document" jsonb NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ordering"."receipts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."store_settings" (
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"rounding" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_settings_tenant_id_store_id_pk" PRIMARY KEY("tenant_id","store_id")
);
--> statement-breakpoint
ALTER TABLE "ordering"."store_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."checkout_steps" (
	"tenant_id" uuid NOT NULL,
	"checkout_id" uuid NOT NULL,
	"step" text NOT NULL,
	"direction" text NOT NULL,
	"result" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkout_steps_checkout_id_step_direction_pk" PRIMARY KEY("checkout_id","step","direction")
);
--> statement-breakpoint
ALTER TABLE "ordering"."checkout_steps" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ordering"."checkouts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"register_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text NOT NULL,
	"step" text NOT NULL,
	"plan" jsonb NOT NULL,
	"failure" jsonb,
	"receipt_number" integer,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "checkouts_finished_check" CHECK (("ordering"."checkouts"."status" in ('completed', 'compensated')) = ("ordering"."checkouts"."finished_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "ordering"."checkouts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "ordering"."audit_log" USING btree ("tenant_id","entity_type","entity_id","at");--> statement-breakpoint
CREATE INDEX "kitchen_tickets_store_idx" ON "ordering"."kitchen_tickets" USING btree ("tenant_id","store_id","status","fired_at","id");--> statement-breakpoint
CREATE INDEX "kitchen_tickets_order_idx" ON "ordering"."kitchen_tickets" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "orders_store_created_idx" ON "ordering"."orders" USING btree ("tenant_id","store_id","created_at","id");--> statement-breakpoint
CREATE INDEX "orders_store_status_created_idx" ON "ordering"."orders" USING btree ("tenant_id","store_id","status","created_at","id");--> statement-breakpoint
CREATE INDEX "orders_register_created_idx" ON "ordering"."orders" USING btree ("tenant_id","register_id","created_at","id");--> statement-breakpoint
CREATE INDEX "orders_tenant_created_idx" ON "ordering"."orders" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "ordering"."outbox" USING btree ("available_at","id") WHERE published_at is null and dead_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "receipts_register_number_idx" ON "ordering"."receipts" USING btree ("tenant_id","register_id","receipt_number");--> statement-breakpoint
CREATE UNIQUE INDEX "checkouts_idempotency_key_idx" ON "ordering"."checkouts" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "checkouts_live_order_idx" ON "ordering"."checkouts" USING btree ("tenant_id","order_id") WHERE "ordering"."checkouts"."status" in ('running', 'compensating');--> statement-breakpoint
CREATE INDEX "checkouts_due_idx" ON "ordering"."checkouts" USING btree ("lease_until") WHERE "ordering"."checkouts"."status" in ('running', 'compensating');--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ordering"."audit_log" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_or_system" ON "ordering"."inbox" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ordering"."kitchen_tickets" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ordering"."order_events" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ordering"."order_numbers" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ordering"."orders" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_or_system" ON "ordering"."outbox" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ordering"."receipts" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ordering"."store_settings" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ordering"."checkout_steps" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ordering"."checkouts" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);