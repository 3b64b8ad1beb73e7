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
GRANT USAGE ON SCHEMA notification TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE notification.channel, notification.delivery_status, notification.locale TO vextrus_app;
--> statement-breakpoint
-- Messages are recorded by the consumer, updated by the dispatcher (sent/failed) and the inbox (read);
-- nothing is deleted by the service.
GRANT SELECT, INSERT, UPDATE ON notification.deliveries, notification.preferences TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON notification.inbox TO vextrus_app;
--> statement-breakpoint
-- The outbox is written by verbs and read only by the relay (as the schema owner).
GRANT INSERT ON notification.outbox TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE notification.deliveries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification.preferences FORCE ROW LEVEL SECURITY;
