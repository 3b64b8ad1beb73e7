-- known_users is a tenant table: its policy applies to the owner too. The app role reads it and keeps
-- it current (consumer and lookups); it never deletes. The inbox records applied auth events.
ALTER TABLE organization.known_users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON organization.known_users TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON organization.inbox TO vextrus_app;
