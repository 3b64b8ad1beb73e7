GRANT USAGE ON TYPE master_data.unit_category, master_data.item_kind TO vextrus_app;
--> statement-breakpoint
-- Nothing is deleted: records are archived (and may be restored).
GRANT SELECT, INSERT, UPDATE ON master_data.units, master_data.item_groups, master_data.items TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE master_data.units FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE master_data.item_groups FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE master_data.items FORCE ROW LEVEL SECURITY;
