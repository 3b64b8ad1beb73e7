-- A tenant's template versions: FORCED row-level security; append-only for the application role.
ALTER TABLE notification.template_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON notification.template_versions TO vextrus_app;
