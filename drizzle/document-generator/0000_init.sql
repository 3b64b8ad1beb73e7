CREATE SCHEMA "document_generator";
--> statement-breakpoint
CREATE TYPE "document_generator"."document_status" AS ENUM('pending', 'issued');--> statement-breakpoint
CREATE TABLE "document_generator"."documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"template" text NOT NULL,
	"template_version" integer NOT NULL,
	"number" text NOT NULL,
	"locale" text NOT NULL,
	"status" "document_generator"."document_status" DEFAULT 'pending' NOT NULL,
	"content_hash" text NOT NULL,
	"sha256" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"pages" integer NOT NULL,
	"file_id" uuid,
	"summary" jsonb NOT NULL,
	"evaluation_ids" jsonb NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"issued_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "documents_tenant_id_template_number_key" UNIQUE("tenant_id","template","number")
);
--> statement-breakpoint
ALTER TABLE "document_generator"."documents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "document_generator"."outbox" (
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
CREATE INDEX "documents_tenant_id_sha256_idx" ON "document_generator"."documents" USING btree ("tenant_id","sha256");--> statement-breakpoint
CREATE INDEX "documents_tenant_id_content_hash_idx" ON "document_generator"."documents" USING btree ("tenant_id","content_hash");--> statement-breakpoint
CREATE INDEX "documents_tenant_id_created_at_idx" ON "document_generator"."documents" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "documents_pending_idx" ON "document_generator"."documents" USING btree ("tenant_id","created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "document_generator"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "document_generator"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "document_generator"."outbox" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "document_generator"."documents" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);