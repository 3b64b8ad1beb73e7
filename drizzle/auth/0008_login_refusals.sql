CREATE TABLE "auth"."login_refusals" (
	"ip" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"refusals" integer NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"reported_at" timestamp with time zone,
	CONSTRAINT "login_refusals_pkey" PRIMARY KEY("ip","window_start")
);
--> statement-breakpoint
ALTER TABLE "auth"."login_refusals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "login_refusals_window_start_idx" ON "auth"."login_refusals" USING btree ("window_start");--> statement-breakpoint
CREATE POLICY "platform_only" ON "auth"."login_refusals" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.platform', true) = 'on') WITH CHECK (current_setting('app.platform', true) = 'on');