CREATE TABLE "organization"."inbox" (
	"event_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_pkey" PRIMARY KEY("event_id","consumer")
);
--> statement-breakpoint
CREATE TABLE "organization"."known_users" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"version" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "known_users_pkey" PRIMARY KEY("tenant_id","user_id"),
	CONSTRAINT "known_users_status_check" CHECK (status in ('active', 'deactivated'))
);
--> statement-breakpoint
ALTER TABLE "organization"."known_users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "inbox_processed_at_idx" ON "organization"."inbox" USING btree ("processed_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "organization"."known_users" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);