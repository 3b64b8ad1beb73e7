CREATE TYPE "master_data"."item_kind" AS ENUM('material', 'service', 'equipment');--> statement-breakpoint
CREATE TYPE "master_data"."unit_category" AS ENUM('mass', 'volume', 'area', 'length', 'count');--> statement-breakpoint
CREATE TABLE "master_data"."item_groups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_bn" text,
	"parent_id" uuid,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "item_groups_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "item_groups_tenant_id_code_key" UNIQUE("tenant_id","code")
);
--> statement-breakpoint
ALTER TABLE "master_data"."item_groups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "master_data"."items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"code" text NOT NULL,
	"kind" "master_data"."item_kind" NOT NULL,
	"name" text NOT NULL,
	"name_bn" text,
	"group_id" uuid,
	"hs_code" text,
	"vat_rate" numeric(5, 2) NOT NULL,
	"sd_rate" numeric(6, 2) DEFAULT '0' NOT NULL,
	"base_unit_id" uuid NOT NULL,
	"purchase_unit_id" uuid,
	"sales_unit_id" uuid,
	"standard_rate" numeric(18, 2),
	"specification" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "items_tenant_id_code_key" UNIQUE("tenant_id","code"),
	CONSTRAINT "items_rates_non_negative" CHECK ("master_data"."items"."standard_rate" >= 0 and "master_data"."items"."sd_rate" >= 0 and "master_data"."items"."vat_rate" >= 0)
);
--> statement-breakpoint
ALTER TABLE "master_data"."items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "master_data"."units" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_bn" text,
	"category" "master_data"."unit_category" NOT NULL,
	"factor" numeric(30, 12) NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "units_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "units_tenant_id_code_key" UNIQUE("tenant_id","code"),
	CONSTRAINT "units_factor_positive" CHECK ("master_data"."units"."factor" > 0)
);
--> statement-breakpoint
ALTER TABLE "master_data"."units" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "master_data"."item_groups" ADD CONSTRAINT "item_groups_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "master_data"."item_groups"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "master_data"."items" ADD CONSTRAINT "items_group_fk" FOREIGN KEY ("tenant_id","group_id") REFERENCES "master_data"."item_groups"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "master_data"."items" ADD CONSTRAINT "items_base_unit_fk" FOREIGN KEY ("tenant_id","base_unit_id") REFERENCES "master_data"."units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "master_data"."items" ADD CONSTRAINT "items_purchase_unit_fk" FOREIGN KEY ("tenant_id","purchase_unit_id") REFERENCES "master_data"."units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "master_data"."items" ADD CONSTRAINT "items_sales_unit_fk" FOREIGN KEY ("tenant_id","sales_unit_id") REFERENCES "master_data"."units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_groups_parent_id_idx" ON "master_data"."item_groups" USING btree ("tenant_id","parent_id");--> statement-breakpoint
CREATE INDEX "items_group_id_idx" ON "master_data"."items" USING btree ("tenant_id","group_id");--> statement-breakpoint
CREATE INDEX "items_name_trgm_idx" ON "master_data"."items" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "items_name_bn_trgm_idx" ON "master_data"."items" USING gin ("name_bn" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "units_name_trgm_idx" ON "master_data"."units" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."item_groups" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."items" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."units" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);