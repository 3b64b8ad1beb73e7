CREATE TYPE "master_data"."approval_authority" AS ENUM('rajuk', 'cda', 'kda', 'rda', 'other');--> statement-breakpoint
CREATE TYPE "master_data"."flat_facing" AS ENUM('north', 'south', 'east', 'west', 'north_east', 'north_west', 'south_east', 'south_west');--> statement-breakpoint
CREATE TYPE "master_data"."flat_status" AS ENUM('available', 'booked', 'sold');--> statement-breakpoint
CREATE TYPE "master_data"."land_unit" AS ENUM('sft', 'katha', 'decimal', 'acre');--> statement-breakpoint
CREATE TYPE "master_data"."project_kind" AS ENUM('construction', 'real_estate');--> statement-breakpoint
CREATE TYPE "master_data"."project_status" AS ENUM('planned', 'active', 'on_hold', 'completed', 'cancelled');--> statement-breakpoint
CREATE TABLE "master_data"."flats" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"phase" text,
	"block" text,
	"floor" integer NOT NULL,
	"flat_no" text NOT NULL,
	"size_sft" numeric(12, 2) NOT NULL,
	"facing" "master_data"."flat_facing",
	"price" numeric(18, 2) NOT NULL,
	"status" "master_data"."flat_status" DEFAULT 'available' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "flats_size_price_positive" CHECK ("master_data"."flats"."size_sft" > 0 and "master_data"."flats"."price" >= 0)
);
--> statement-breakpoint
ALTER TABLE "master_data"."flats" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "master_data"."projects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	"code" text NOT NULL,
	"kind" "master_data"."project_kind" NOT NULL,
	"name" text NOT NULL,
	"name_bn" text,
	"site_address" jsonb,
	"approval_authority" "master_data"."approval_authority",
	"approval_ref" text,
	"approval_date" date,
	"plot_size" numeric(16, 4),
	"plot_unit" "master_data"."land_unit",
	"plot_size_sft" numeric(22, 5),
	"budget" numeric(18, 2),
	"start_date" date,
	"end_date" date,
	"status" "master_data"."project_status" DEFAULT 'planned' NOT NULL,
	"manager_user_id" uuid,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "projects_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "projects_tenant_id_code_key" UNIQUE("tenant_id","code"),
	CONSTRAINT "projects_dates_ordered" CHECK ("master_data"."projects"."end_date" is null or "master_data"."projects"."start_date" is null or "master_data"."projects"."end_date" >= "master_data"."projects"."start_date"),
	CONSTRAINT "projects_budget_non_negative" CHECK ("master_data"."projects"."budget" >= 0)
);
--> statement-breakpoint
ALTER TABLE "master_data"."projects" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "master_data"."flats" ADD CONSTRAINT "flats_project_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "master_data"."projects"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "flats_project_block_flat_no_key" ON "master_data"."flats" USING btree ("tenant_id","project_id",coalesce("block", ''),"flat_no");--> statement-breakpoint
CREATE INDEX "flats_project_id_idx" ON "master_data"."flats" USING btree ("tenant_id","project_id","id");--> statement-breakpoint
CREATE INDEX "projects_company_id_idx" ON "master_data"."projects" USING btree ("tenant_id","company_id","id");--> statement-breakpoint
CREATE INDEX "projects_name_trgm_idx" ON "master_data"."projects" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "projects_name_bn_trgm_idx" ON "master_data"."projects" USING gin ("name_bn" gin_trgm_ops);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."flats" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."projects" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);