-- Refused sign-ins per address and minute: platform scope only (Database.privileged); tenant
-- transactions (vextrus_app) get no grant and no policy on it.
ALTER TABLE auth.login_refusals FORCE ROW LEVEL SECURITY;
