CREATE SCHEMA "workflow";
--> statement-breakpoint
CREATE TYPE "workflow"."assignment_reason" AS ENUM('routed', 'escalated');--> statement-breakpoint
CREATE TYPE "workflow"."process_status" AS ENUM('in_progress', 'approved', 'rejected', 'returned');--> statement-breakpoint
CREATE TYPE "workflow"."step_kind" AS ENUM('approver', 'committee');--> statement-breakpoint
CREATE TYPE "workflow"."task_status" AS ENUM('waiting', 'pending', 'approved', 'rejected', 'returned', 'cancelled');--> statement-breakpoint
CREATE TABLE "workflow"."assignments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"reason" "workflow"."assignment_reason" NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "workflow"."assignments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workflow"."definitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"name_bn" text,
	"rule_sets" jsonb NOT NULL,
	"sla_hours" integer NOT NULL,
	"committees" jsonb NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "definitions_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "definitions_tenant_id_key_version_key" UNIQUE("tenant_id","key","version")
);
--> statement-breakpoint
ALTER TABLE "workflow"."definitions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workflow"."delegations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"from_user_id" uuid NOT NULL,
	"to_user_id" uuid NOT NULL,
	"task_id" uuid,
	"valid_until" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workflow"."delegations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workflow"."outbox" (
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
CREATE TABLE "workflow"."processes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"definition_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"department_id" uuid NOT NULL,
	"data" jsonb NOT NULL,
	"initiator_id" uuid NOT NULL,
	"status" "workflow"."process_status" DEFAULT 'in_progress' NOT NULL,
	"round" integer DEFAULT 1 NOT NULL,
	"chain" jsonb NOT NULL,
	"rules" jsonb NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "processes_tenant_id_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "workflow"."processes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workflow"."tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"process_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"step" integer NOT NULL,
	"kind" "workflow"."step_kind" NOT NULL,
	"committee_name" text,
	"required" integer DEFAULT 1 NOT NULL,
	"assignee_id" uuid NOT NULL,
	"chain_level" integer,
	"status" "workflow"."task_status" NOT NULL,
	"due_at" timestamp with time zone,
	"activated_at" timestamp with time zone,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"comment" text,
	"escalations" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "tasks_tenant_id_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "workflow"."tasks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workflow"."transitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"process_id" uuid NOT NULL,
	"task_id" uuid,
	"round" integer NOT NULL,
	"action" text NOT NULL,
	"actor_id" uuid,
	"from_status" text,
	"to_status" text,
	"comment" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workflow"."transitions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "workflow"."assignments" ADD CONSTRAINT "assignments_task_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "workflow"."tasks"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow"."delegations" ADD CONSTRAINT "delegations_task_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "workflow"."tasks"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow"."processes" ADD CONSTRAINT "processes_definition_fk" FOREIGN KEY ("tenant_id","definition_id") REFERENCES "workflow"."definitions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow"."tasks" ADD CONSTRAINT "tasks_process_fk" FOREIGN KEY ("tenant_id","process_id") REFERENCES "workflow"."processes"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow"."transitions" ADD CONSTRAINT "transitions_process_fk" FOREIGN KEY ("tenant_id","process_id") REFERENCES "workflow"."processes"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow"."transitions" ADD CONSTRAINT "transitions_task_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "workflow"."tasks"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assignments_tenant_id_task_id_idx" ON "workflow"."assignments" USING btree ("tenant_id","task_id");--> statement-breakpoint
CREATE INDEX "delegations_tenant_id_to_user_id_idx" ON "workflow"."delegations" USING btree ("tenant_id","to_user_id","valid_until");--> statement-breakpoint
CREATE INDEX "delegations_tenant_id_from_user_id_idx" ON "workflow"."delegations" USING btree ("tenant_id","from_user_id","valid_until");--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "workflow"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "workflow"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "workflow"."outbox" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE INDEX "processes_tenant_id_status_idx" ON "workflow"."processes" USING btree ("tenant_id","status","id");--> statement-breakpoint
CREATE INDEX "processes_tenant_id_initiator_id_idx" ON "workflow"."processes" USING btree ("tenant_id","initiator_id","id");--> statement-breakpoint
CREATE INDEX "tasks_tenant_id_assignee_id_status_idx" ON "workflow"."tasks" USING btree ("tenant_id","assignee_id","status");--> statement-breakpoint
CREATE INDEX "tasks_tenant_id_process_id_round_step_idx" ON "workflow"."tasks" USING btree ("tenant_id","process_id","round","step");--> statement-breakpoint
CREATE INDEX "tasks_status_due_at_idx" ON "workflow"."tasks" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "transitions_tenant_id_process_id_idx" ON "workflow"."transitions" USING btree ("tenant_id","process_id","id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "workflow"."assignments" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "workflow"."definitions" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "workflow"."delegations" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "workflow"."processes" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "workflow"."tasks" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "platform_read" ON "workflow"."tasks" AS PERMISSIVE FOR SELECT TO public USING (current_setting('app.platform', true) = 'on');--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "workflow"."transitions" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);