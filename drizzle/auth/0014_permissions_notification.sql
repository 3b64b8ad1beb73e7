-- Permissions of the notification service's templates (the catalog in
-- services/auth/src/domain/permission-catalog.ts; a test keeps both equal). `read` is among the
-- viewer's and approver's reads.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('notification:template:read', 'notification', 'Message templates: read', 'বার্তার টেমপ্লেট: read'),
  ('notification:template:update', 'notification', 'Message templates: update', 'বার্তার টেমপ্লেট: update')
ON CONFLICT (name) DO NOTHING;
