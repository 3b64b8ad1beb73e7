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
GRANT USAGE ON SCHEMA workflow TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE workflow.process_status, workflow.task_status, workflow.step_kind, workflow.assignment_reason TO vextrus_app;
--> statement-breakpoint
-- Definitions are versioned and the trail is append-only: no UPDATE or DELETE on either.
GRANT SELECT, INSERT ON workflow.definitions, workflow.transitions, workflow.delegations TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON workflow.processes, workflow.tasks, workflow.assignments TO vextrus_app;
--> statement-breakpoint
-- The outbox is written by verbs and read only by the relay (as the schema owner).
GRANT INSERT ON workflow.outbox TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE workflow.definitions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workflow.processes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workflow.tasks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workflow.assignments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workflow.delegations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workflow.transitions FORCE ROW LEVEL SECURITY;
