CREATE SCHEMA "master_data";
--> statement-breakpoint
CREATE TYPE "master_data"."party_kind" AS ENUM('organisation', 'individual');--> statement-breakpoint
CREATE TYPE "master_data"."party_status" AS ENUM('active', 'blocked', 'archived');--> statement-breakpoint
CREATE TABLE "master_data"."outbox" (
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
CREATE TABLE "master_data"."parties" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" "master_data"."party_kind" DEFAULT 'organisation' NOT NULL,
	"name" text NOT NULL,
	"name_bn" text,
	"roles" text[] NOT NULL,
	"trade_licence_no" text,
	"bin" text,
	"etin" text,
	"nid" text,
	"mobiles" text[] DEFAULT '{}'::text[] NOT NULL,
	"email" text,
	"addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"bank_accounts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"vds_category" text,
	"tds_category" text,
	"credit_limit" numeric(18, 2),
	"payment_terms_days" integer,
	"status" "master_data"."party_status" DEFAULT 'active' NOT NULL,
	"merged_into_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "master_data"."parties" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "master_data"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "master_data"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "master_data"."outbox" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE INDEX "parties_tenant_id_id_idx" ON "master_data"."parties" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "parties_tenant_id_bin_key" ON "master_data"."parties" USING btree ("tenant_id","bin") WHERE bin is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "parties_tenant_id_etin_key" ON "master_data"."parties" USING btree ("tenant_id","etin") WHERE etin is not null;--> statement-breakpoint
CREATE INDEX "parties_name_trgm_idx" ON "master_data"."parties" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "parties_name_bn_trgm_idx" ON "master_data"."parties" USING gin ("name_bn" gin_trgm_ops);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."parties" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);