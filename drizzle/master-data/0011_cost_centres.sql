CREATE TABLE "master_data"."cost_centres" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_bn" text,
	"parent_id" uuid,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "cost_centres_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "cost_centres_tenant_id_company_id_code_key" UNIQUE("tenant_id","company_id","code")
);
--> statement-breakpoint
ALTER TABLE "master_data"."cost_centres" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "master_data"."cost_centres" ADD CONSTRAINT "cost_centres_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "master_data"."cost_centres"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cost_centres_parent_id_idx" ON "master_data"."cost_centres" USING btree ("tenant_id","parent_id");--> statement-breakpoint
CREATE INDEX "cost_centres_company_id_idx" ON "master_data"."cost_centres" USING btree ("tenant_id","company_id","id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."cost_centres" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);