CREATE TABLE "master_data"."record_terms" (
	"tenant_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"record_id" uuid NOT NULL,
	"term" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "master_data"."record_terms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "master_data"."accounts_name_trgm_idx";--> statement-breakpoint
DROP INDEX "master_data"."accounts_name_bn_trgm_idx";--> statement-breakpoint
DROP INDEX "master_data"."items_name_trgm_idx";--> statement-breakpoint
DROP INDEX "master_data"."items_name_bn_trgm_idx";--> statement-breakpoint
DROP INDEX "master_data"."projects_name_trgm_idx";--> statement-breakpoint
DROP INDEX "master_data"."projects_name_bn_trgm_idx";--> statement-breakpoint
DROP INDEX "master_data"."units_name_trgm_idx";--> statement-breakpoint
CREATE INDEX "record_terms_term_idx" ON "master_data"."record_terms" USING btree ("tenant_id","entity","term" text_pattern_ops,"record_id");--> statement-breakpoint
CREATE INDEX "record_terms_record_id_idx" ON "master_data"."record_terms" USING btree ("tenant_id","record_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."record_terms" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);