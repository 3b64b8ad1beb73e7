-- Permissions of the notification service's subscriptions (a role or department also told of some
-- messages); the catalog in services/auth/src/domain/permission-catalog.ts, a test keeps both equal.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('notification:subscription:read', 'notification', 'Who else is told (roles, departments): read', 'আর কাকে জানানো হয় (ভূমিকা, বিভাগ): read'),
  ('notification:subscription:manage', 'notification', 'Who else is told (roles, departments): manage', 'আর কাকে জানানো হয় (ভূমিকা, বিভাগ): manage')
ON CONFLICT (name) DO NOTHING;
