-- Sign-in attempts are kept for review for LOGIN_ATTEMPT_RETENTION_DAYS, then the service prunes them
-- in a platform-scope transaction. Tenant transactions (vextrus_app) still cannot delete any.
CREATE POLICY "platform_prune" ON "auth"."login_attempts" AS PERMISSIVE FOR DELETE TO public
  USING (current_setting('app.platform', true) = 'on');
