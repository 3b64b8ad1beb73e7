-- Outbound webhooks: FORCED row-level security on all three tables; the application role may manage a
-- tenant's subscriptions, record deliveries and append attempts (the log is never rewritten).
ALTER TABLE notification.webhook_subscriptions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification.webhook_deliveries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification.webhook_attempts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT USAGE ON TYPE notification.webhook_status, notification.webhook_delivery_status TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON notification.webhook_subscriptions TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON notification.webhook_deliveries TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON notification.webhook_attempts TO vextrus_app;
