CREATE SCHEMA "rules_engine";
--> statement-breakpoint
CREATE TYPE "rules_engine"."action_kind" AS ENUM('set', 'require_approval', 'require_committee', 'block', 'flag');--> statement-breakpoint
CREATE TYPE "rules_engine"."authority" AS ENUM('NBR', 'RAJUK', 'BIDA', 'internal');--> statement-breakpoint
CREATE TYPE "rules_engine"."condition_kind" AS ENUM('all', 'any', 'not', 'fact');--> statement-breakpoint
CREATE TYPE "rules_engine"."rule_status" AS ENUM('draft', 'active', 'retired');--> statement-breakpoint
CREATE TABLE "rules_engine"."actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_version_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"kind" "rules_engine"."action_kind" NOT NULL,
	"spec" jsonb NOT NULL,
	CONSTRAINT "actions_tenant_id_rule_version_id_position_key" UNIQUE("tenant_id","rule_version_id","position")
);
--> statement-breakpoint
ALTER TABLE "rules_engine"."actions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rules_engine"."conditions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_version_id" uuid NOT NULL,
	"path" text NOT NULL,
	"kind" "rules_engine"."condition_kind" NOT NULL,
	"fact" text,
	"op" text,
	"value" jsonb,
	CONSTRAINT "conditions_tenant_id_rule_version_id_path_key" UNIQUE("tenant_id","rule_version_id","path")
);
--> statement-breakpoint
ALTER TABLE "rules_engine"."conditions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rules_engine"."evaluations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_set_id" uuid NOT NULL,
	"facts" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"rule_version_ids" uuid[] NOT NULL,
	"result" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluations_tenant_id_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "rules_engine"."evaluations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rules_engine"."inbox" (
	"event_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_pkey" PRIMARY KEY("event_id","consumer")
);
--> statement-breakpoint
CREATE TABLE "rules_engine"."outbox" (
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
CREATE TABLE "rules_engine"."rule_sets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"facts" jsonb NOT NULL,
	"pack" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rule_sets_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "rule_sets_tenant_id_key_key" UNIQUE("tenant_id","key")
);
--> statement-breakpoint
ALTER TABLE "rules_engine"."rule_sets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rules_engine"."rule_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"priority" integer NOT NULL,
	"status" "rules_engine"."rule_status" NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"authority" "rules_engine"."authority" NOT NULL,
	"section" text NOT NULL,
	"fact_types" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rule_versions_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "rule_versions_tenant_id_rule_id_version_key" UNIQUE("tenant_id","rule_id","version")
);
--> statement-breakpoint
ALTER TABLE "rules_engine"."rule_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rules_engine"."rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_set_id" uuid NOT NULL,
	"key" text NOT NULL,
	"current_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rules_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "rules_tenant_id_rule_set_id_key_key" UNIQUE("tenant_id","rule_set_id","key")
);
--> statement-breakpoint
ALTER TABLE "rules_engine"."rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "rules_engine"."actions" ADD CONSTRAINT "actions_rule_version_fk" FOREIGN KEY ("tenant_id","rule_version_id") REFERENCES "rules_engine"."rule_versions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules_engine"."conditions" ADD CONSTRAINT "conditions_rule_version_fk" FOREIGN KEY ("tenant_id","rule_version_id") REFERENCES "rules_engine"."rule_versions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules_engine"."evaluations" ADD CONSTRAINT "evaluations_rule_set_fk" FOREIGN KEY ("tenant_id","rule_set_id") REFERENCES "rules_engine"."rule_sets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules_engine"."rule_versions" ADD CONSTRAINT "rule_versions_rule_fk" FOREIGN KEY ("tenant_id","rule_id") REFERENCES "rules_engine"."rules"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules_engine"."rules" ADD CONSTRAINT "rules_rule_set_fk" FOREIGN KEY ("tenant_id","rule_set_id") REFERENCES "rules_engine"."rule_sets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conditions_fact_idx" ON "rules_engine"."conditions" USING btree ("tenant_id","fact");--> statement-breakpoint
CREATE INDEX "evaluations_recent_idx" ON "rules_engine"."evaluations" USING btree ("tenant_id","rule_set_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "inbox_processed_at_idx" ON "rules_engine"."inbox" USING btree ("processed_at");--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "rules_engine"."outbox" USING btree ("id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_unsent_key_idx" ON "rules_engine"."outbox" USING btree ("key","id") WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "rules_engine"."outbox" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "rules_engine"."actions" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "rules_engine"."conditions" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "rules_engine"."evaluations" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "rules_engine"."rule_sets" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "rules_engine"."rule_versions" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "rules_engine"."rules" AS PERMISSIVE FOR ALL TO public USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);