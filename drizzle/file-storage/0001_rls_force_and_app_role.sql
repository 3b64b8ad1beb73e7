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
GRANT USAGE ON SCHEMA file_storage TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE file_storage.file_status TO vextrus_app;
--> statement-breakpoint
-- Files and attachments are never deleted by the service (collection marks them); blobs are removed
-- once no file points at them.
GRANT SELECT, INSERT, UPDATE ON file_storage.files, file_storage.attachments, file_storage.usage TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON file_storage.blobs TO vextrus_app;
--> statement-breakpoint
-- The outbox is written by verbs and read only by the relay (as the schema owner).
GRANT INSERT ON file_storage.outbox TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE file_storage.blobs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE file_storage.files FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE file_storage.attachments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE file_storage.usage FORCE ROW LEVEL SECURITY;
