GRANT USAGE ON TYPE master_data.project_kind, master_data.project_status, master_data.approval_authority,
  master_data.land_unit, master_data.flat_facing, master_data.flat_status TO vextrus_app;
--> statement-breakpoint
-- Nothing is deleted: projects are archived (and may be restored); flats change status.
GRANT SELECT, INSERT, UPDATE ON master_data.projects, master_data.flats TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE master_data.projects FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE master_data.flats FORCE ROW LEVEL SECURITY;
