-- A tenant's own SMS price (notification.usage.setSmsPrice); the catalog in
-- services/auth/src/domain/permission-catalog.ts, a test keeps both equal.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('notification:usage:manage', 'notification', 'Message usage and SMS cost: manage', 'বার্তার ব্যবহার ও এসএমএস খরচ: manage')
ON CONFLICT (name) DO NOTHING;
