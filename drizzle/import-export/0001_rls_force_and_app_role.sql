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
GRANT USAGE ON SCHEMA import_export TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE import_export.import_status, import_export.row_action, import_export.export_status TO vextrus_app;
--> statement-breakpoint
-- Imports and exports are history: kept, never deleted. Staged rows of an import are replaced when
-- its staging restarts (a replica stopped mid-file), so they may be deleted.
GRANT SELECT, INSERT, UPDATE ON import_export.imports, import_export.exports, import_export.import_mappings TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON import_export.import_rows TO vextrus_app;
--> statement-breakpoint
-- The outbox is written by verbs and read only by the relay (as the schema owner).
GRANT INSERT ON import_export.outbox TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE import_export.imports FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_export.import_rows FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_export.import_mappings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_export.exports FORCE ROW LEVEL SECURITY;
