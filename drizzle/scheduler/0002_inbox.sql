CREATE TABLE "scheduler"."inbox" (
	"event_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_pkey" PRIMARY KEY("event_id","consumer")
);
--> statement-breakpoint
CREATE INDEX "inbox_processed_at_idx" ON "scheduler"."inbox" USING btree ("processed_at");