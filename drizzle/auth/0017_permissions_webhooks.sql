-- Permissions of the notification service's outbound webhooks (the catalog in
-- services/auth/src/domain/permission-catalog.ts; a test keeps both equal). `read` is among the
-- viewer's and approver's reads.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('notification:webhook:read', 'notification', 'Outbound webhooks: read', 'বহির্গামী ওয়েবহুক: read'),
  ('notification:webhook:manage', 'notification', 'Outbound webhooks: manage', 'বহির্গামী ওয়েবহুক: manage')
ON CONFLICT (name) DO NOTHING;
