CREATE TYPE "master_data"."account_type" AS ENUM('asset', 'liability', 'equity', 'income', 'expense');--> statement-breakpoint
CREATE TABLE "master_data"."accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_bn" text,
	"type" "master_data"."account_type" NOT NULL,
	"is_group" boolean NOT NULL,
	"parent_id" uuid,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "accounts_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "accounts_tenant_id_company_id_code_key" UNIQUE("tenant_id","company_id","code")
);
--> statement-breakpoint
ALTER TABLE "master_data"."accounts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "master_data"."accounts" ADD CONSTRAINT "accounts_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "master_data"."accounts"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_parent_id_idx" ON "master_data"."accounts" USING btree ("tenant_id","parent_id");--> statement-breakpoint
CREATE INDEX "accounts_company_id_idx" ON "master_data"."accounts" USING btree ("tenant_id","company_id","id");--> statement-breakpoint
CREATE INDEX "accounts_name_trgm_idx" ON "master_data"."accounts" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "accounts_name_bn_trgm_idx" ON "master_data"."accounts" USING gin ("name_bn" gin_trgm_ops);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."accounts" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);