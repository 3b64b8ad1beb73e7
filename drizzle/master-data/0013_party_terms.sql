CREATE TABLE "master_data"."party_terms" (
	"tenant_id" uuid NOT NULL,
	"party_id" uuid NOT NULL,
	"term" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "master_data"."party_terms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "party_terms_term_idx" ON "master_data"."party_terms" USING btree ("tenant_id","term" text_pattern_ops,"party_id");--> statement-breakpoint
CREATE INDEX "party_terms_party_id_idx" ON "master_data"."party_terms" USING btree ("tenant_id","party_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "master_data"."party_terms" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);