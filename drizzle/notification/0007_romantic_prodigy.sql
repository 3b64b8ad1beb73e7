ALTER TYPE "notification"."delivery_status" ADD VALUE 'delivered';--> statement-breakpoint
ALTER TYPE "notification"."delivery_status" ADD VALUE 'bounced';--> statement-breakpoint
CREATE TABLE "notification"."contacts" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text,
	"email" text,
	"mobile" text,
	"email_verified" boolean DEFAULT false NOT NULL,
	"mobile_verified" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contacts_pkey" PRIMARY KEY("tenant_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "notification"."contacts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "notification"."memberships" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	CONSTRAINT "memberships_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "notification"."memberships" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "notification"."processes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"initiator_id" uuid NOT NULL,
	"subject" text NOT NULL,
	CONSTRAINT "processes_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "notification"."processes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "notification"."subscriptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"template_key" text NOT NULL,
	"kind" text NOT NULL,
	"target_id" uuid NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_target_key" UNIQUE("tenant_id","template_key","kind","target_id")
);
--> statement-breakpoint
ALTER TABLE "notification"."subscriptions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "notification"."user_roles" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role_id" uuid NOT NULL,
	CONSTRAINT "user_roles_pkey" PRIMARY KEY("tenant_id","user_id","role_id")
);
--> statement-breakpoint
ALTER TABLE "notification"."user_roles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notification"."preferences" ALTER COLUMN "locale" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "notification"."deliveries" ADD COLUMN "attachments" jsonb;--> statement-breakpoint
ALTER TABLE "notification"."deliveries" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notification"."preferences" ADD COLUMN "channels" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "notification"."preferences" ADD COLUMN "quiet_start" integer;--> statement-breakpoint
ALTER TABLE "notification"."preferences" ADD COLUMN "quiet_end" integer;--> statement-breakpoint
ALTER TABLE "notification"."preferences" ADD COLUMN "digest" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "memberships_department_idx" ON "notification"."memberships" USING btree ("tenant_id","department_id");--> statement-breakpoint
CREATE INDEX "user_roles_role_idx" ON "notification"."user_roles" USING btree ("tenant_id","role_id");--> statement-breakpoint
CREATE INDEX "deliveries_provider_id_idx" ON "notification"."deliveries" USING btree ("channel","provider_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."contacts" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."memberships" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."processes" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."subscriptions" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."user_roles" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);