CREATE TABLE "notification"."template_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"locale" "notification"."locale" NOT NULL,
	"version" integer NOT NULL,
	"built_in" boolean DEFAULT false NOT NULL,
	"subject" text,
	"body_text" text,
	"body_html" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid NOT NULL,
	CONSTRAINT "template_versions_key_locale_version_key" UNIQUE("tenant_id","key","locale","version")
);
--> statement-breakpoint
ALTER TABLE "notification"."template_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."template_versions" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);