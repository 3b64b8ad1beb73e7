-- A tenant's own SMS price (notification.usage.setSmsPrice): FORCED row-level security, one row per
-- tenant, created and then updated by the verb (never deleted: a reset stores null).
ALTER TABLE notification.sms_prices FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON notification.sms_prices TO vextrus_app;
