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
GRANT USAGE ON SCHEMA rules_engine TO vextrus_app;
--> statement-breakpoint
-- Rule sets and rule heads move forward (name, facts added, current version); versions, their
-- conditions and actions, and evaluations are immutable: insert and read only.
GRANT SELECT, INSERT, UPDATE ON rules_engine.rule_sets, rules_engine.rules TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON rules_engine.rule_versions, rules_engine.conditions, rules_engine.actions, rules_engine.evaluations TO vextrus_app;
--> statement-breakpoint
GRANT INSERT ON rules_engine.outbox TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON rules_engine.inbox TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE rules_engine.rule_status, rules_engine.authority, rules_engine.condition_kind, rules_engine.action_kind TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE rules_engine.rule_sets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rules_engine.rules FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rules_engine.rule_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rules_engine.conditions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rules_engine.actions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rules_engine.evaluations FORCE ROW LEVEL SECURITY;
