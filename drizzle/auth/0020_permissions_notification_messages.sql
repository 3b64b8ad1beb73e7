-- Sending files and issued documents as e-mail attachments (notification.messages.sendDocuments); the
-- catalog in services/auth/src/domain/permission-catalog.ts, a test keeps both equal.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('notification:message:send', 'notification', 'Messages with attachments: send', 'সংযুক্তিসহ বার্তা: send')
ON CONFLICT (name) DO NOTHING;
