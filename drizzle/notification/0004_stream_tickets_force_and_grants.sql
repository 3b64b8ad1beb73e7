-- Stream tickets are the tenant's rows like every other: FORCED row-level security, and the
-- application role may create, redeem (update) and prune (delete) them.
ALTER TABLE notification.stream_tickets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON notification.stream_tickets TO vextrus_app;
