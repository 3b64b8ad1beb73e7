CREATE TABLE "notification"."bouncing_addresses" (
	"tenant_id" uuid NOT NULL,
	"address" text NOT NULL,
	"delivery_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"bounced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bouncing_addresses_pkey" PRIMARY KEY("tenant_id","address")
);
--> statement-breakpoint
ALTER TABLE "notification"."bouncing_addresses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notification"."deliveries" ADD COLUMN "requested_by" uuid;--> statement-breakpoint
ALTER TABLE "notification"."deliveries" ADD COLUMN "requested_permissions" jsonb;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."bouncing_addresses" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_read" ON "notification"."bouncing_addresses" AS PERMISSIVE FOR SELECT TO public USING (current_setting('app.platform', true) = 'on');--> statement-breakpoint
-- Bouncing addresses: FORCED row-level security; marked by the bounce reader, cleared when the user
-- verifies the address again.
ALTER TABLE notification.bouncing_addresses FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON notification.bouncing_addresses TO vextrus_app;
