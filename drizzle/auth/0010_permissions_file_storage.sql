-- Permissions of the file-storage service (the catalog in services/auth/src/domain/permission-catalog.ts;
-- a test keeps both equal). `read` is among the viewer's and approver's reads.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('file-storage:file:read', 'file-storage', 'Files: read', 'ফাইল: read'),
  ('file-storage:file:upload', 'file-storage', 'Files: upload', 'ফাইল: upload'),
  ('file-storage:file:attach', 'file-storage', 'Files: attach', 'ফাইল: attach'),
  ('file-storage:file:archive', 'file-storage', 'Files: archive', 'ফাইল: archive'),
  ('file-storage:file:hold', 'file-storage', 'Files: hold', 'ফাইল: hold'),
  ('file-storage:file:collect', 'file-storage', 'Files: collect', 'ফাইল: collect'),
  ('file-storage:file:manage', 'file-storage', 'Files: manage', 'ফাইল: manage')
ON CONFLICT (name) DO NOTHING;
