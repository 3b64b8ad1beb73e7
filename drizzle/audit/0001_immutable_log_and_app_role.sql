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
GRANT USAGE ON SCHEMA audit TO vextrus_app;
--> statement-breakpoint
-- The log is append-only for the service: no UPDATE, no DELETE.
GRANT SELECT, INSERT ON audit.log_entries TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON audit.chain_heads TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit.inbox TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE audit.log_entries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit.chain_heads FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Even the owner cannot change or remove an entry. The only deletes allowed are the retention
-- policy's (audit.apply_retention), and only of entries older than the retention period (a year at
-- the least).
CREATE FUNCTION audit.refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('audit.retention_purge', true) = 'on'
     AND OLD.recorded_at < now() - make_interval(days => greatest(
       coalesce(nullif(current_setting('audit.retention_days', true), '')::integer, 36500), 365)) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit log entries are immutable: % refused', TG_OP USING ERRCODE = '42501';
END
$$;
--> statement-breakpoint
CREATE FUNCTION audit.refuse_log_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log entries are immutable: TRUNCATE refused' USING ERRCODE = '42501';
END
$$;
--> statement-breakpoint
CREATE TRIGGER log_entries_immutable BEFORE UPDATE OR DELETE ON audit.log_entries
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_log_change();
--> statement-breakpoint
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON audit.log_entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_log_truncate();
--> statement-breakpoint
-- The retention policy: removes, per tenant, the oldest entries recorded before the cutoff (a prefix
-- of the chain) and remembers the last removed hash so verification resumes from it.
CREATE FUNCTION audit.apply_retention(retain_days integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  days integer := greatest(retain_days, 365);
  cutoff timestamptz := now() - make_interval(days => greatest(retain_days, 365));
  removed bigint;
BEGIN
  PERFORM set_config('audit.retention_purge', 'on', true);
  PERFORM set_config('audit.retention_days', days::text, true);
  WITH expired AS (
    SELECT tenant_id, max(seq) AS through FROM audit.log_entries
    WHERE recorded_at < cutoff GROUP BY tenant_id
  ), gone AS (
    DELETE FROM audit.log_entries e USING expired x
    WHERE e.tenant_id = x.tenant_id AND e.seq <= x.through
    RETURNING e.tenant_id, e.seq, e.hash
  ), last AS (
    SELECT DISTINCT ON (tenant_id) tenant_id, seq, hash FROM gone ORDER BY tenant_id, seq DESC
  ), anchored AS (
    UPDATE audit.chain_heads h SET anchor_seq = last.seq, anchor_hash = last.hash
    FROM last WHERE h.tenant_id = last.tenant_id
    RETURNING 1
  )
  SELECT count(*) INTO removed FROM gone;
  PERFORM set_config('audit.retention_purge', 'off', true);
  RETURN removed;
END
$$;
