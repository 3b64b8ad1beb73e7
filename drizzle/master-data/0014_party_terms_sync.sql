-- Party search under FORCE row-level security: PostgreSQL only uses an index ahead of the tenant
-- policy for LEAKPROOF operators, and ILIKE / pg_trgm / full-text operators are not. The words of each
-- party's names (lowercased) are kept here by a trigger and searched by prefix with text_pattern_ops'
-- ~>=~ and ~<~, which are leakproof, so the btree serves the tenant's search.
CREATE FUNCTION master_data.party_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.name IS NOT DISTINCT FROM OLD.name AND NEW.name_bn IS NOT DISTINCT FROM OLD.name_bn THEN
    RETURN NEW;
  END IF;
  DELETE FROM master_data.party_terms WHERE tenant_id = NEW.tenant_id AND party_id = NEW.id;
  INSERT INTO master_data.party_terms (tenant_id, party_id, term)
    SELECT DISTINCT NEW.tenant_id, NEW.id, w
    FROM regexp_split_to_table(lower(NEW.name || ' ' || coalesce(NEW.name_bn, '')), '[[:space:]]+') AS w
    WHERE w <> '';
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER parties_terms_sync AFTER INSERT OR UPDATE OF name, name_bn ON master_data.parties
  FOR EACH ROW EXECUTE FUNCTION master_data.party_terms_sync();
--> statement-breakpoint
-- The terms of the parties that exist already. FORCE is lifted for the copy only: the migration's role
-- owns the table but has no tenant context.
ALTER TABLE master_data.parties NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO master_data.party_terms (tenant_id, party_id, term)
  SELECT DISTINCT p.tenant_id, p.id, w
  FROM master_data.parties p,
    regexp_split_to_table(lower(p.name || ' ' || coalesce(p.name_bn, '')), '[[:space:]]+') AS w
  WHERE w <> '';
--> statement-breakpoint
ALTER TABLE master_data.parties FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON master_data.party_terms TO vextrus_app;
--> statement-breakpoint
ALTER TABLE master_data.party_terms FORCE ROW LEVEL SECURITY;
