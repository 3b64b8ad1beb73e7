CREATE SCHEMA "scheduler";
--> statement-breakpoint
CREATE TYPE "scheduler"."catch_up" AS ENUM('none', 'last', 'all');--> statement-breakpoint
CREATE TYPE "scheduler"."job_status" AS ENUM('active', 'paused', 'disabled');--> statement-breakpoint
CREATE TYPE "scheduler"."run_status" AS ENUM('pending', 'running', 'succeeded', 'failed', 'dead');--> statement-breakpoint
CREATE TYPE "scheduler"."schedule_kind" AS ENUM('cron', 'once', 'interval');--> statement-breakpoint
CREATE TABLE "scheduler"."jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"schedule_kind" "scheduler"."schedule_kind" NOT NULL,
	"cron" text,
	"run_at" timestamp with time zone,
	"interval_seconds" integer,
	"target" jsonb NOT NULL,
	"permissions" text[] DEFAULT '{}'::text[] NOT NULL,
	"timeout_ms" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"backoff_ms" integer NOT NULL,
	"disable_after" integer NOT NULL,
	"catch_up" "scheduler"."catch_up" NOT NULL,
	"idempotency_key" text,
	"status" "scheduler"."job_status" DEFAULT 'active' NOT NULL,
	"next_run_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jobs_idempotency_key" UNIQUE("tenant_id","idempotency_key"),
	CONSTRAINT "jobs_schedule_shape" CHECK (("scheduler"."jobs"."schedule_kind" = 'cron') = ("scheduler"."jobs"."cron" is not null) and ("scheduler"."jobs"."schedule_kind" = 'once') = ("scheduler"."jobs"."run_at" is not null) and ("scheduler"."jobs"."schedule_kind" = 'interval') = ("scheduler"."jobs"."interval_seconds" is not null))
);
--> statement-breakpoint
ALTER TABLE "scheduler"."jobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "scheduler"."outbox" (
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
CREATE TABLE "scheduler"."runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"attempt" integer NOT NULL,
	"status" "scheduler"."run_status" DEFAULT 'pending' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runs_occurrence_attempt" UNIQUE("job_id","scheduled_for","attempt")
);
--> statement-breakpoint
ALTER TABLE "scheduler"."runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "scheduler"."runs" ADD CONSTRAINT "runs_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "scheduler"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "scheduler"."jobs" USING btree ("next_run_at") WHERE status = 'active' and next_run_at is not null;--> statement-breakpoint
CREATE INDEX "jobs_tenant_id_idx" ON "scheduler"."jobs" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "scheduler"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "scheduler"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "scheduler"."outbox" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE INDEX "runs_due_idx" ON "scheduler"."runs" USING btree ("due_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "runs_lease_idx" ON "scheduler"."runs" USING btree ("lease_until") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "runs_job_id_idx" ON "scheduler"."runs" USING btree ("tenant_id","job_id","id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "scheduler"."jobs" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_read" ON "scheduler"."jobs" AS PERMISSIVE FOR SELECT TO public USING (current_setting('app.platform', true) = 'on');--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "scheduler"."runs" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_read" ON "scheduler"."runs" AS PERMISSIVE FOR SELECT TO public USING (current_setting('app.platform', true) = 'on');