-- The application role: services switch to it inside every tenant transaction. It owns nothing and
-- cannot bypass row-level security. Roles are cluster-wide, so creation is idempotent.
DO $$
BEGIN
  CREATE ROLE vextrus_app NOLOGIN NOBYPASSRLS;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT vextrus_app TO %I', current_user);
EXCEPTION
  WHEN insufficient_privilege OR invalid_grant_operation THEN NULL;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA scheduler TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE scheduler.schedule_kind, scheduler.catch_up, scheduler.job_status, scheduler.run_status TO vextrus_app;
--> statement-breakpoint
-- Jobs and runs are history: the service never deletes them.
GRANT SELECT, INSERT, UPDATE ON scheduler.jobs, scheduler.runs TO vextrus_app;
--> statement-breakpoint
-- The outbox is written by verbs and read only by the relay (as the schema owner).
GRANT INSERT ON scheduler.outbox TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE scheduler.jobs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE scheduler.runs FORCE ROW LEVEL SECURITY;
