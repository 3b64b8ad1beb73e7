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
GRANT USAGE ON SCHEMA organization TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA organization TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE organization.tenant_status TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE organization.tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE organization.companies FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE organization.branches FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE organization.departments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE organization.designations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE organization.memberships FORCE ROW LEVEL SECURITY;
