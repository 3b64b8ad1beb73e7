GRANT USAGE ON TYPE master_data.account_type TO vextrus_app;
--> statement-breakpoint
-- Nothing is deleted: accounts are archived (and may be restored).
GRANT SELECT, INSERT, UPDATE ON master_data.accounts TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE master_data.accounts FORCE ROW LEVEL SECURITY;
