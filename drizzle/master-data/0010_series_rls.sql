GRANT USAGE ON TYPE master_data.series_reset TO vextrus_app;
--> statement-breakpoint
-- Series are archived, never deleted; counters only ever go up.
GRANT SELECT, INSERT, UPDATE ON master_data.series, master_data.series_counters TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE master_data.series FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE master_data.series_counters FORCE ROW LEVEL SECURITY;
