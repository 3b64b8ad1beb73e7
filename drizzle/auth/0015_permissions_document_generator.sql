-- Permissions of the document generator (the catalog in services/auth/src/domain/permission-catalog.ts;
-- a test keeps both equal). Built-in roles take their permissions from code: admins and managers hold
-- document-generator:*, viewers and approvers gain the two reads.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('document-generator:document:read', 'document-generator', 'Documents (invoices, certificates, orders): read', 'নথি (চালান, প্রত্যয়নপত্র, আদেশ): read'),
  ('document-generator:document:render', 'document-generator', 'Documents (invoices, certificates, orders): render', 'নথি (চালান, প্রত্যয়নপত্র, আদেশ): render'),
  ('document-generator:document:issue', 'document-generator', 'Documents (invoices, certificates, orders): issue', 'নথি (চালান, প্রত্যয়নপত্র, আদেশ): issue'),
  ('document-generator:letterhead:read', 'document-generator', 'Letterhead of documents: read', 'নথির লেটারহেড: read'),
  ('document-generator:letterhead:update', 'document-generator', 'Letterhead of documents: update', 'নথির লেটারহেড: update')
ON CONFLICT (name) DO NOTHING;
