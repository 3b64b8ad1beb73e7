CREATE TABLE "master_data"."imported_rows" (
	"tenant_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"row_no" integer NOT NULL,
	"entity" text NOT NULL,
	"record_id" uuid NOT NULL,
	"action" text NOT NULL,
	"version_after" integer NOT NULL,
	"before" jsonb,
	"rolled_back_at" timestamp with time zone,
	CONSTRAINT "imported_rows_tenant_id_import_id_row_no_pk" PRIMARY KEY("tenant_id","import_id","row_no")
);
--> statement-breakpoint
ALTER TABLE "master_data"."imported_rows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."imported_rows" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);