CREATE TABLE "organization"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "organization"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "organization"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "organization"."outbox" USING btree ("sent_at") WHERE sent_at is not null;