-- The letterhead is read and written by the application role, within its tenant only.
GRANT SELECT, INSERT, UPDATE ON document_generator.letterheads TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE document_generator.letterheads FORCE ROW LEVEL SECURITY;
