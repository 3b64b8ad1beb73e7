-- Search by name for units, item groups, items, accounts, cost centres, projects and series, served by an
-- index under FORCE row-level security (as party_terms does for parties, migration 0014): ILIKE and the
-- trigram indexes are not LEAKPROOF, so under the tenant policy they only ever filtered a scan. The words
-- of each record's names (English and Bengali, lowercased, split at spaces and brackets) are kept in
-- record_terms by one trigger per table and searched by prefix with text_pattern_ops' ~>=~ and ~<~.
CREATE FUNCTION master_data.record_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  names text := lower(coalesce(to_jsonb(NEW) ->> 'name', '') || ' ' || coalesce(to_jsonb(NEW) ->> 'name_bn', ''));
BEGIN
  IF TG_OP = 'UPDATE' AND names = lower(coalesce(to_jsonb(OLD) ->> 'name', '') || ' ' || coalesce(to_jsonb(OLD) ->> 'name_bn', '')) THEN
    RETURN NEW;
  END IF;
  DELETE FROM master_data.record_terms WHERE tenant_id = NEW.tenant_id AND record_id = NEW.id;
  INSERT INTO master_data.record_terms (tenant_id, entity, record_id, term)
    SELECT DISTINCT NEW.tenant_id, TG_TABLE_NAME, NEW.id, w
    FROM regexp_split_to_table(names, '[]()[{},;:"[:space:]]+') AS w
    WHERE w <> '';
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER units_terms_sync AFTER INSERT OR UPDATE OF name, name_bn ON master_data.units
  FOR EACH ROW EXECUTE FUNCTION master_data.record_terms_sync();
--> statement-breakpoint
CREATE TRIGGER item_groups_terms_sync AFTER INSERT OR UPDATE OF name, name_bn ON master_data.item_groups
  FOR EACH ROW EXECUTE FUNCTION master_data.record_terms_sync();
--> statement-breakpoint
CREATE TRIGGER items_terms_sync AFTER INSERT OR UPDATE OF name, name_bn ON master_data.items
  FOR EACH ROW EXECUTE FUNCTION master_data.record_terms_sync();
--> statement-breakpoint
CREATE TRIGGER accounts_terms_sync AFTER INSERT OR UPDATE OF name, name_bn ON master_data.accounts
  FOR EACH ROW EXECUTE FUNCTION master_data.record_terms_sync();
--> statement-breakpoint
CREATE TRIGGER cost_centres_terms_sync AFTER INSERT OR UPDATE OF name, name_bn ON master_data.cost_centres
  FOR EACH ROW EXECUTE FUNCTION master_data.record_terms_sync();
--> statement-breakpoint
CREATE TRIGGER projects_terms_sync AFTER INSERT OR UPDATE OF name, name_bn ON master_data.projects
  FOR EACH ROW EXECUTE FUNCTION master_data.record_terms_sync();
--> statement-breakpoint
CREATE TRIGGER series_terms_sync AFTER INSERT OR UPDATE OF name ON master_data.series
  FOR EACH ROW EXECUTE FUNCTION master_data.record_terms_sync();
--> statement-breakpoint
-- The terms of the records that exist already: an update of each record's name to itself would skip
-- (unchanged), so they are inserted directly. FORCE is lifted for the copy only: the migration's role
-- owns the tables but has no tenant context.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['units', 'item_groups', 'items', 'accounts', 'cost_centres', 'projects', 'series'] LOOP
    EXECUTE format('ALTER TABLE master_data.%I NO FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      $q$INSERT INTO master_data.record_terms (tenant_id, entity, record_id, term)
        SELECT DISTINCT r.tenant_id, %L, r.id, w
        FROM master_data.%I r,
          regexp_split_to_table(lower(coalesce(to_jsonb(r) ->> 'name', '') || ' ' || coalesce(to_jsonb(r) ->> 'name_bn', '')), '[]()[{},;:"[:space:]]+') AS w
        WHERE w <> ''$q$, t, t);
    EXECUTE format('ALTER TABLE master_data.%I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END
$$;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON master_data.record_terms TO vextrus_app;
--> statement-breakpoint
ALTER TABLE master_data.record_terms FORCE ROW LEVEL SECURITY;
