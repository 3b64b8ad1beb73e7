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
GRANT USAGE ON SCHEMA document_generator TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE document_generator.document_status TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON document_generator.documents TO vextrus_app;
--> statement-breakpoint
-- An issued document is frozen: only a pending one (its PDF on the way to file-storage) may be
-- updated (to issued) or deleted (an issue that failed), whatever the code asks.
CREATE POLICY "pending_only_update" ON document_generator.documents AS RESTRICTIVE FOR UPDATE TO public
  USING (status = 'pending') WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY "pending_only_delete" ON document_generator.documents AS RESTRICTIVE FOR DELETE TO public
  USING (status = 'pending');
--> statement-breakpoint
-- The outbox is written by verbs and read only by the relay (as the schema owner).
GRANT INSERT ON document_generator.outbox TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE document_generator.documents FORCE ROW LEVEL SECURITY;
