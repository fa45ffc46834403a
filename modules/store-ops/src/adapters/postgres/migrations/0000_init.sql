CREATE SCHEMA "store_ops";
--> statement-breakpoint
CREATE TABLE "store_ops"."audit_log" (
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
ALTER TABLE "store_ops"."audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."drawer_movements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"register_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"tender" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"reason" text,
	"reference" text,
	"actor_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "drawer_movements_amount_positive" CHECK ("store_ops"."drawer_movements"."amount_minor" > 0 or "store_ops"."drawer_movements"."kind" = 'float')
);
--> statement-breakpoint
ALTER TABLE "store_ops"."drawer_movements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."drawer_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"register_id" uuid NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"opening_float_minor" bigint NOT NULL,
	"opened_by" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" text,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "store_ops"."drawer_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."floor_sections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "store_ops"."floor_sections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."floor_tables" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"section_id" uuid NOT NULL,
	"name" text NOT NULL,
	"seats" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "store_ops"."floor_tables" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."inbox" (
	"message_id" uuid NOT NULL,
	"handler" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_message_id_handler_pk" PRIMARY KEY("message_id","handler")
);
--> statement-breakpoint
ALTER TABLE "store_ops"."inbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."outbox" (
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
ALTER TABLE "store_ops"."outbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."receipt_numbers" (
	"tenant_id" uuid NOT NULL,
	"register_id" uuid NOT NULL,
	"number" bigint NOT NULL,
	"reference" text,
	"actor_id" text NOT NULL,
	"allocated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "receipt_numbers_tenant_id_register_id_number_pk" PRIMARY KEY("tenant_id","register_id","number")
);
--> statement-breakpoint
ALTER TABLE "store_ops"."receipt_numbers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."receipt_sequences" (
	"tenant_id" uuid NOT NULL,
	"register_id" uuid NOT NULL,
	"next_number" bigint DEFAULT 1 NOT NULL,
	CONSTRAINT "receipt_sequences_tenant_id_register_id_pk" PRIMARY KEY("tenant_id","register_id"),
	CONSTRAINT "receipt_sequences_next_positive" CHECK ("store_ops"."receipt_sequences"."next_number" >= 1)
);
--> statement-breakpoint
ALTER TABLE "store_ops"."receipt_sequences" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."registers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"name" text NOT NULL,
	"device_id" uuid,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "store_ops"."registers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."stores" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"timezone" text NOT NULL,
	"currency" text NOT NULL,
	"address" jsonb,
	"tax_inclusive" boolean NOT NULL,
	"tax_rounding" text NOT NULL,
	"oversell_policy" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "store_ops"."stores" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "store_ops"."z_reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"register_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"opening_float_minor" bigint NOT NULL,
	"cash_in_minor" bigint NOT NULL,
	"cash_out_minor" bigint NOT NULL,
	"cash_sales_minor" bigint NOT NULL,
	"cash_refunds_minor" bigint NOT NULL,
	"expected_cash_minor" bigint NOT NULL,
	"counted_cash_minor" bigint NOT NULL,
	"over_short_minor" bigint NOT NULL,
	"tenders" jsonb NOT NULL,
	"movement_count" integer NOT NULL,
	"reason" text,
	"closed_by" text NOT NULL,
	"closed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "store_ops"."z_reports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "store_ops"."drawer_movements" ADD CONSTRAINT "drawer_movements_session_id_drawer_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "store_ops"."drawer_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_ops"."drawer_sessions" ADD CONSTRAINT "drawer_sessions_register_id_registers_id_fk" FOREIGN KEY ("register_id") REFERENCES "store_ops"."registers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_ops"."floor_sections" ADD CONSTRAINT "floor_sections_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "store_ops"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_ops"."floor_tables" ADD CONSTRAINT "floor_tables_section_id_floor_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "store_ops"."floor_sections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_ops"."receipt_sequences" ADD CONSTRAINT "receipt_sequences_register_id_registers_id_fk" FOREIGN KEY ("register_id") REFERENCES "store_ops"."registers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_ops"."registers" ADD CONSTRAINT "registers_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "store_ops"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_ops"."z_reports" ADD CONSTRAINT "z_reports_session_id_drawer_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "store_ops"."drawer_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "store_ops"."audit_log" USING btree ("tenant_id","entity_type","entity_id","at");--> statement-breakpoint
CREATE INDEX "drawer_movements_session_idx" ON "store_ops"."drawer_movements" USING btree ("tenant_id","session_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "drawer_movements_reference_key" ON "store_ops"."drawer_movements" USING btree ("tenant_id","register_id","kind","reference") WHERE reference is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "drawer_sessions_one_open_key" ON "store_ops"."drawer_sessions" USING btree ("tenant_id","register_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "drawer_sessions_tenant_id_idx" ON "store_ops"."drawer_sessions" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "drawer_sessions_register_idx" ON "store_ops"."drawer_sessions" USING btree ("tenant_id","register_id","id");--> statement-breakpoint
CREATE INDEX "drawer_sessions_store_idx" ON "store_ops"."drawer_sessions" USING btree ("tenant_id","store_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "floor_sections_name_key" ON "store_ops"."floor_sections" USING btree ("tenant_id","store_id",lower("name"));--> statement-breakpoint
CREATE INDEX "floor_tables_store_id_idx" ON "store_ops"."floor_tables" USING btree ("tenant_id","store_id","id");--> statement-breakpoint
CREATE INDEX "floor_tables_store_name_idx" ON "store_ops"."floor_tables" USING btree ("tenant_id","store_id","name","id");--> statement-breakpoint
CREATE INDEX "floor_tables_section_idx" ON "store_ops"."floor_tables" USING btree ("tenant_id","section_id");--> statement-breakpoint
CREATE UNIQUE INDEX "floor_tables_name_key" ON "store_ops"."floor_tables" USING btree ("tenant_id","store_id",lower("name"));--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "store_ops"."outbox" USING btree ("available_at","id") WHERE published_at is null and dead_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "receipt_numbers_reference_key" ON "store_ops"."receipt_numbers" USING btree ("tenant_id","register_id","reference") WHERE reference is not null;--> statement-breakpoint
CREATE INDEX "registers_tenant_id_idx" ON "store_ops"."registers" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "registers_store_id_idx" ON "store_ops"."registers" USING btree ("tenant_id","store_id","id");--> statement-breakpoint
CREATE INDEX "registers_store_name_idx" ON "store_ops"."registers" USING btree ("tenant_id","store_id","name","id");--> statement-breakpoint
CREATE UNIQUE INDEX "registers_active_name_key" ON "store_ops"."registers" USING btree ("tenant_id","store_id",lower("name")) WHERE status = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "registers_device_key" ON "store_ops"."registers" USING btree ("tenant_id","device_id") WHERE device_id is not null and status = 'active';--> statement-breakpoint
CREATE INDEX "stores_tenant_id_idx" ON "store_ops"."stores" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "stores_tenant_name_idx" ON "store_ops"."stores" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE UNIQUE INDEX "z_reports_session_key" ON "store_ops"."z_reports" USING btree ("tenant_id","session_id");--> statement-breakpoint
CREATE INDEX "z_reports_register_idx" ON "store_ops"."z_reports" USING btree ("tenant_id","register_id","closed_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."audit_log" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."drawer_movements" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."drawer_sessions" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."floor_sections" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."floor_tables" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_or_system" ON "store_ops"."inbox" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_or_system" ON "store_ops"."outbox" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."receipt_numbers" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."receipt_sequences" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."registers" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."stores" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "store_ops"."z_reports" AS PERMISSIVE FOR ALL TO public USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);