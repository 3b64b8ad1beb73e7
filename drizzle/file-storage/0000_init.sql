CREATE SCHEMA "file_storage";
--> statement-breakpoint
CREATE TYPE "file_storage"."file_status" AS ENUM('pending', 'available', 'archived', 'collected');--> statement-breakpoint
CREATE TABLE "file_storage"."attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"file_id" uuid NOT NULL,
	"service" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"attached_by" uuid NOT NULL,
	"attached_at" timestamp with time zone DEFAULT now() NOT NULL,
	"detached_by" uuid,
	"detached_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "file_storage"."attachments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "file_storage"."blobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blobs_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "blobs_tenant_id_sha256_key" UNIQUE("tenant_id","sha256")
);
--> statement-breakpoint
ALTER TABLE "file_storage"."blobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "file_storage"."files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"status" "file_storage"."file_status" DEFAULT 'pending' NOT NULL,
	"key" text NOT NULL,
	"blob_id" uuid,
	"upload_id" text,
	"part_size" integer,
	"upload_expires_at" timestamp with time zone NOT NULL,
	"reserved_bytes" bigint DEFAULT 0 NOT NULL,
	"lineage_id" uuid NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"superseded_at" timestamp with time zone,
	"legal_hold" boolean DEFAULT false NOT NULL,
	"unattached_since" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"completed_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	"collected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "files_tenant_id_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "file_storage"."files" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "file_storage"."outbox" (
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
CREATE TABLE "file_storage"."usage" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"stored_bytes" bigint DEFAULT 0 NOT NULL,
	"reserved_bytes" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "file_storage"."usage" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "file_storage"."attachments" ADD CONSTRAINT "attachments_file_fk" FOREIGN KEY ("tenant_id","file_id") REFERENCES "file_storage"."files"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_storage"."files" ADD CONSTRAINT "files_blob_fk" FOREIGN KEY ("tenant_id","blob_id") REFERENCES "file_storage"."blobs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attachments_active_key" ON "file_storage"."attachments" USING btree ("tenant_id","file_id","service","entity_type","entity_id") WHERE detached_at is null;--> statement-breakpoint
CREATE INDEX "attachments_tenant_id_entity_idx" ON "file_storage"."attachments" USING btree ("tenant_id","service","entity_type","entity_id","file_id") WHERE detached_at is null;--> statement-breakpoint
CREATE INDEX "files_tenant_id_lineage_id_idx" ON "file_storage"."files" USING btree ("tenant_id","lineage_id","revision");--> statement-breakpoint
CREATE INDEX "files_tenant_id_blob_id_idx" ON "file_storage"."files" USING btree ("tenant_id","blob_id");--> statement-breakpoint
CREATE INDEX "files_collectable_idx" ON "file_storage"."files" USING btree ("tenant_id","status","unattached_since") WHERE legal_hold = false;--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "file_storage"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "file_storage"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "file_storage"."outbox" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "file_storage"."attachments" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "file_storage"."blobs" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "file_storage"."files" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "file_storage"."usage" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_read" ON "file_storage"."usage" AS PERMISSIVE FOR SELECT TO public USING (current_setting('app.platform', true) = 'on');