-- Nothing is deleted: cost centres are archived (and may be restored).
GRANT SELECT, INSERT, UPDATE ON master_data.cost_centres TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE master_data.cost_centres FORCE ROW LEVEL SECURITY;
