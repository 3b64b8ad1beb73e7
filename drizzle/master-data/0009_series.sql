CREATE TYPE "master_data"."series_reset" AS ENUM('never', 'fiscal_year');--> statement-breakpoint
CREATE TABLE "master_data"."series" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"pattern" text NOT NULL,
	"reset" "master_data"."series_reset" NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "series_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "series_tenant_id_company_id_key_key" UNIQUE("tenant_id","company_id","key")
);
--> statement-breakpoint
ALTER TABLE "master_data"."series" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "master_data"."series_counters" (
	"tenant_id" uuid NOT NULL,
	"series_id" uuid NOT NULL,
	"period" text NOT NULL,
	"last_value" bigint NOT NULL,
	CONSTRAINT "series_counters_pkey" PRIMARY KEY("tenant_id","series_id","period")
);
--> statement-breakpoint
ALTER TABLE "master_data"."series_counters" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "master_data"."series_counters" ADD CONSTRAINT "series_counters_series_fk" FOREIGN KEY ("tenant_id","series_id") REFERENCES "master_data"."series"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."series" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."series_counters" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);