-- The directory kept from other services' events (contacts, roles held, memberships, processes) and the
-- tenant's subscriptions: FORCED row-level security, written only by the consumer and the verbs.
ALTER TABLE notification.contacts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification.user_roles FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification.memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification.processes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification.subscriptions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON notification.contacts, notification.memberships, notification.processes TO vextrus_app;
--> statement-breakpoint
-- A user's roles are replaced as a whole; a subscription is removed by its tenant.
GRANT SELECT, INSERT, DELETE ON notification.user_roles, notification.subscriptions TO vextrus_app;
