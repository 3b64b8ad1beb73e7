-- Permissions of the configuration service (the catalog in services/auth/src/domain/permission-catalog.ts;
-- a test keeps both equal). The reads are among the viewer's and approver's reads; each area's write
-- is the permission its keys declare in @vextrus/config.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('configuration:definition:read', 'configuration', 'Setting definitions: read', 'সেটিংসের সংজ্ঞা: read'),
  ('configuration:value:read', 'configuration', 'Setting values and history: read', 'সেটিংসের মান ও ইতিহাস: read'),
  ('configuration:value:write', 'configuration', 'Setting values and history: write', 'সেটিংসের মান ও ইতিহাস: write'),
  ('configuration:organization:write', 'configuration', 'Organisation settings: write', 'প্রতিষ্ঠানের সেটিংস: write'),
  ('configuration:workflow:write', 'configuration', 'Workflow settings: write', 'ওয়ার্কফ্লো সেটিংস: write'),
  ('configuration:documents:write', 'configuration', 'Document settings: write', 'নথির সেটিংস: write'),
  ('configuration:notification:write', 'configuration', 'Notification settings: write', 'বিজ্ঞপ্তির সেটিংস: write'),
  ('configuration:tax:write', 'configuration', 'Tax settings: write', 'করের সেটিংস: write'),
  ('configuration:flag:write', 'configuration', 'Feature flags: write', 'ফিচার ফ্ল্যাগ: write')
ON CONFLICT (name) DO NOTHING;
