-- Import rows are the record of what an import did: inserted once, marked when rolled back, never deleted.
GRANT SELECT, INSERT, UPDATE ON master_data.imported_rows TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE master_data.imported_rows FORCE ROW LEVEL SECURITY;
