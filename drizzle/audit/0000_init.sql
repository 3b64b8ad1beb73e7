CREATE SCHEMA "audit";
--> statement-breakpoint
CREATE TABLE "audit"."chain_heads" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"anchor_seq" bigint DEFAULT 0 NOT NULL,
	"anchor_hash" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit"."chain_heads" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "audit"."inbox" (
	"event_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_pkey" PRIMARY KEY("event_id","consumer")
);
--> statement-breakpoint
CREATE TABLE "audit"."log_entries" (
	"tenant_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"event_id" uuid NOT NULL,
	"type" text NOT NULL,
	"entity" text NOT NULL,
	"subject" text NOT NULL,
	"actor_id" text,
	"source" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"event" json NOT NULL,
	"diff" json,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "log_entries_pkey" PRIMARY KEY("tenant_id","seq"),
	CONSTRAINT "log_entries_tenant_id_event_id_key" UNIQUE("tenant_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "audit"."log_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "inbox_processed_at_idx" ON "audit"."inbox" USING btree ("processed_at");--> statement-breakpoint
CREATE INDEX "log_entries_subject_idx" ON "audit"."log_entries" USING btree ("tenant_id","entity","subject","seq");--> statement-breakpoint
CREATE INDEX "log_entries_actor_id_idx" ON "audit"."log_entries" USING btree ("tenant_id","actor_id","seq");--> statement-breakpoint
CREATE INDEX "log_entries_occurred_at_idx" ON "audit"."log_entries" USING btree ("tenant_id","occurred_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "audit"."chain_heads" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_all" ON "audit"."chain_heads" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.platform', true) = 'on' and current_user <> 'vextrus_app') WITH CHECK (current_setting('app.platform', true) = 'on' and current_user <> 'vextrus_app');--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "audit"."log_entries" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_retention" ON "audit"."log_entries" AS PERMISSIVE FOR DELETE TO public USING (current_setting('app.platform', true) = 'on' and current_user <> 'vextrus_app');--> statement-breakpoint
CREATE POLICY "platform_read" ON "audit"."log_entries" AS PERMISSIVE FOR SELECT TO public USING (current_setting('app.platform', true) = 'on' and current_user <> 'vextrus_app');