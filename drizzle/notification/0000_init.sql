CREATE SCHEMA "notification";
--> statement-breakpoint
CREATE TYPE "notification"."channel" AS ENUM('email', 'sms', 'in_app');--> statement-breakpoint
CREATE TYPE "notification"."delivery_status" AS ENUM('queued', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "notification"."locale" AS ENUM('bn', 'en');--> statement-breakpoint
CREATE TABLE "notification"."deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"channel" "notification"."channel" NOT NULL,
	"recipient_id" uuid,
	"address" text NOT NULL,
	"template_key" text NOT NULL,
	"locale" "notification"."locale" NOT NULL,
	"subject" text NOT NULL,
	"body_text" text NOT NULL,
	"body_html" text,
	"status" "notification"."delivery_status" DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"segments" integer,
	"provider_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	CONSTRAINT "deliveries_event_channel_address_key" UNIQUE("tenant_id","event_id","channel","address")
);
--> statement-breakpoint
ALTER TABLE "notification"."deliveries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "notification"."inbox" (
	"event_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_pkey" PRIMARY KEY("event_id","consumer")
);
--> statement-breakpoint
CREATE TABLE "notification"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"event" json NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification"."preferences" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"locale" "notification"."locale" NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "preferences_user_key" UNIQUE("tenant_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "notification"."preferences" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "notification"."deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "deliveries_inbox_idx" ON "notification"."deliveries" USING btree ("tenant_id","recipient_id","channel","id");--> statement-breakpoint
CREATE INDEX "inbox_processed_at_idx" ON "notification"."inbox" USING btree ("processed_at");--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "notification"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "notification"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "notification"."outbox" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."deliveries" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_dispatch" ON "notification"."deliveries" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.platform', true) = 'on') WITH CHECK (current_setting('app.platform', true) = 'on');--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification"."preferences" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);