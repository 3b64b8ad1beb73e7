CREATE TYPE "document_generator"."batch_item_status" AS ENUM('pending', 'issued', 'failed');--> statement-breakpoint
CREATE TYPE "document_generator"."batch_status" AS ENUM('running', 'completed');--> statement-breakpoint
CREATE TABLE "document_generator"."batch_items" (
	"tenant_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"request" jsonb NOT NULL,
	"status" "document_generator"."batch_item_status" DEFAULT 'pending' NOT NULL,
	"document_id" uuid,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "batch_items_pkey" PRIMARY KEY("tenant_id","batch_id","position")
);
--> statement-breakpoint
ALTER TABLE "document_generator"."batch_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "document_generator"."batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"template" text NOT NULL,
	"locale" text NOT NULL,
	"status" "document_generator"."batch_status" DEFAULT 'running' NOT NULL,
	"total" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"result_file_id" uuid,
	"result_sha256" text,
	"created_by" uuid NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "document_generator"."batches" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "batch_items_pending_idx" ON "document_generator"."batch_items" USING btree ("tenant_id","batch_id","position") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "batches_tenant_id_created_at_idx" ON "document_generator"."batches" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "document_generator"."batch_items" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "document_generator"."batches" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);