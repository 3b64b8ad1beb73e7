CREATE SCHEMA "configuration";
--> statement-breakpoint
CREATE TYPE "configuration"."scope_level" AS ENUM('platform', 'tenant', 'company', 'branch', 'department', 'user');--> statement-breakpoint
CREATE TABLE "configuration"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"event" json NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "configuration"."values" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"scope_level" "configuration"."scope_level" NOT NULL,
	"scope_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"value" jsonb NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"effective_to" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid NOT NULL,
	CONSTRAINT "values_series_version_key" UNIQUE("tenant_id","key","scope_level","scope_id","version"),
	CONSTRAINT "values_effective_range" CHECK ("configuration"."values"."effective_to" is null or "configuration"."values"."effective_to" > "configuration"."values"."effective_from"),
	CONSTRAINT "values_platform_scope" CHECK (("configuration"."values"."scope_level" = 'platform') = ("configuration"."values"."tenant_id" = '00000000-0000-0000-0000-000000000000'::uuid)),
	CONSTRAINT "values_version_positive" CHECK ("configuration"."values"."version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "configuration"."values" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "configuration"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "configuration"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "configuration"."outbox" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "configuration"."values" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_values_read" ON "configuration"."values" AS PERMISSIVE FOR SELECT TO public USING ("configuration"."values"."tenant_id" = '00000000-0000-0000-0000-000000000000'::uuid);