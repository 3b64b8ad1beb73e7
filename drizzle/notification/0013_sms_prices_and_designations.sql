CREATE TABLE "notification"."sms_prices" (
	"tenant_id" uuid NOT NULL,
	"segment_poisha" bigint,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sms_prices_pkey" PRIMARY KEY("tenant_id")
);
--> statement-breakpoint
ALTER TABLE "notification"."sms_prices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notification"."memberships" ADD COLUMN "designation_id" uuid;--> statement-breakpoint
CREATE INDEX "memberships_designation_idx" ON "notification"."memberships" USING btree ("tenant_id","designation_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."sms_prices" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);