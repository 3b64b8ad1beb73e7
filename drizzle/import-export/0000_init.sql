CREATE SCHEMA "import_export";
--> statement-breakpoint
CREATE TYPE "import_export"."export_status" AS ENUM('pending', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "import_export"."import_status" AS ENUM('staging', 'ready', 'applying', 'applied', 'rolling_back', 'rolled_back', 'failed');--> statement-breakpoint
CREATE TYPE "import_export"."row_action" AS ENUM('create', 'update', 'unchanged', 'error');--> statement-breakpoint
CREATE TABLE "import_export"."exports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"format" text NOT NULL,
	"filter" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"columns" text[] NOT NULL,
	"locale" text NOT NULL,
	"status" "import_export"."export_status" DEFAULT 'pending' NOT NULL,
	"rows" integer DEFAULT 0 NOT NULL,
	"rows_per_second" real,
	"file_id" uuid,
	"error" text,
	"created_by" uuid NOT NULL,
	"permissions" text[] DEFAULT '{}'::text[] NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "import_export"."exports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "import_export"."import_mappings" (
	"tenant_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"mapping" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_mappings_tenant_id_entity_pk" PRIMARY KEY("tenant_id","entity")
);
--> statement-breakpoint
ALTER TABLE "import_export"."import_mappings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "import_export"."import_rows" (
	"tenant_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"row_no" integer NOT NULL,
	"raw" jsonb NOT NULL,
	"values" jsonb NOT NULL,
	"key" text,
	"action" "import_export"."row_action",
	"target_id" uuid,
	"target_version" integer,
	"diff" jsonb,
	"errors" jsonb,
	"outcome" text,
	"record_id" uuid,
	CONSTRAINT "import_rows_tenant_id_import_id_row_no_pk" PRIMARY KEY("tenant_id","import_id","row_no")
);
--> statement-breakpoint
ALTER TABLE "import_export"."import_rows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "import_export"."imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"file_id" uuid NOT NULL,
	"format" text,
	"mode" text NOT NULL,
	"key_column" text,
	"mapping" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"headers" text[] DEFAULT '{}'::text[] NOT NULL,
	"unmapped_headers" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" "import_export"."import_status" DEFAULT 'staging' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"creates" integer DEFAULT 0 NOT NULL,
	"updates" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"phase" text,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"phase_total" integer DEFAULT 0 NOT NULL,
	"rows_per_second" real,
	"phase_started_at" timestamp with time zone,
	"cursor" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_by" uuid NOT NULL,
	"permissions" text[] DEFAULT '{}'::text[] NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "import_export"."imports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "import_export"."outbox" (
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
CREATE INDEX "exports_tenant_id_id_idx" ON "import_export"."exports" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "imports_tenant_id_id_idx" ON "import_export"."imports" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "imports_status_idx" ON "import_export"."imports" USING btree ("status");--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "import_export"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "import_export"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "import_export"."outbox" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "import_export"."exports" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_read" ON "import_export"."exports" AS PERMISSIVE FOR SELECT TO public USING (current_setting('app.platform', true) = 'on');--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "import_export"."import_mappings" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "import_export"."import_rows" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "import_export"."imports" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_read" ON "import_export"."imports" AS PERMISSIVE FOR SELECT TO public USING (current_setting('app.platform', true) = 'on');