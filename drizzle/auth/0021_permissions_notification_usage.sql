-- What a tenant's SMS cost (notification.usage.sms); the catalog in
-- services/auth/src/domain/permission-catalog.ts, a test keeps both equal.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('notification:usage:read', 'notification', 'Message usage and SMS cost: read', 'বার্তার ব্যবহার ও এসএমএস খরচ: read')
ON CONFLICT (name) DO NOTHING;
