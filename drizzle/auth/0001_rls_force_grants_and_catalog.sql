-- The application role: services switch to it inside every tenant transaction. It owns nothing and
-- cannot bypass row-level security. Roles are cluster-wide, so creation is idempotent.
DO $$
BEGIN
  CREATE ROLE vextrus_app NOLOGIN NOBYPASSRLS;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT vextrus_app TO %I', current_user);
EXCEPTION
  WHEN insufficient_privilege OR invalid_grant_operation THEN NULL;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA auth TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE auth.tenant_status, auth.user_status, auth.reset_purpose, auth.login_outcome, auth.signing_key_status TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON auth.tenants, auth.users, auth.credentials, auth.password_reset_tokens,
  auth.roles, auth.role_permissions, auth.user_roles, auth.api_keys, auth.sessions, auth.refresh_tokens,
  auth.signing_keys TO vextrus_app;
--> statement-breakpoint
-- Deletes: a failed registration's reservation, a custom role, a role's permissions and assignments.
GRANT DELETE ON auth.tenants, auth.roles, auth.role_permissions, auth.user_roles TO vextrus_app;
--> statement-breakpoint
-- Sign-in attempts are a log: appended and read, never changed.
GRANT SELECT, INSERT ON auth.login_attempts TO vextrus_app;
--> statement-breakpoint
GRANT SELECT ON auth.permissions TO vextrus_app;
--> statement-breakpoint
GRANT INSERT ON auth.outbox TO vextrus_app;
--> statement-breakpoint
-- Applied events are recorded inside the handler's tenant transaction (and read to dedupe).
GRANT SELECT, INSERT ON auth.inbox TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the policies to the owner too.
ALTER TABLE auth.tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.credentials FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.password_reset_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.roles FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.role_permissions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.user_roles FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.api_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.refresh_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.login_attempts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth.signing_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The permission catalog (src/domain/permission-catalog.ts; a test keeps them equal). Seeded with RLS
-- forced only afterwards, since the catalog's only policy is for reading.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('organization:*', 'organization', 'Everything in organization', 'organization-এর সবকিছু'),
  ('auth:*', 'auth', 'Everything in auth', 'auth-এর সবকিছু'),
  ('audit:*', 'audit', 'Everything in audit', 'audit-এর সবকিছু'),
  ('workflow:*', 'workflow', 'Everything in workflow', 'workflow-এর সবকিছু'),
  ('rules:*', 'rules', 'Everything in rules', 'rules-এর সবকিছু'),
  ('master-data:*', 'master-data', 'Everything in master-data', 'master-data-এর সবকিছু'),
  ('notification:*', 'notification', 'Everything in notification', 'notification-এর সবকিছু'),
  ('file-storage:*', 'file-storage', 'Everything in file-storage', 'file-storage-এর সবকিছু'),
  ('document-generator:*', 'document-generator', 'Everything in document-generator', 'document-generator-এর সবকিছু'),
  ('scheduler:*', 'scheduler', 'Everything in scheduler', 'scheduler-এর সবকিছু'),
  ('configuration:*', 'configuration', 'Everything in configuration', 'configuration-এর সবকিছু'),
  ('import-export:*', 'import-export', 'Everything in import-export', 'import-export-এর সবকিছু'),
  ('auth:user:read', 'auth', 'Users: read', 'ব্যবহারকারী: read'),
  ('auth:user:invite', 'auth', 'Users: invite', 'ব্যবহারকারী: invite'),
  ('auth:user:update', 'auth', 'Users: update', 'ব্যবহারকারী: update'),
  ('auth:user:deactivate', 'auth', 'Users: deactivate', 'ব্যবহারকারী: deactivate'),
  ('auth:user:assign', 'auth', 'Users: assign', 'ব্যবহারকারী: assign'),
  ('auth:role:read', 'auth', 'Roles: read', 'ভূমিকা: read'),
  ('auth:role:create', 'auth', 'Roles: create', 'ভূমিকা: create'),
  ('auth:role:update', 'auth', 'Roles: update', 'ভূমিকা: update'),
  ('auth:role:delete', 'auth', 'Roles: delete', 'ভূমিকা: delete'),
  ('auth:permission:read', 'auth', 'Permissions: read', 'অনুমতি: read'),
  ('auth:session:read', 'auth', 'Sessions of other users: read', 'অন্য ব্যবহারকারীর সেশন: read'),
  ('auth:session:revoke', 'auth', 'Sessions of other users: revoke', 'অন্য ব্যবহারকারীর সেশন: revoke'),
  ('auth:api_key:read', 'auth', 'API keys: read', 'এপিআই কী: read'),
  ('auth:api_key:create', 'auth', 'API keys: create', 'এপিআই কী: create'),
  ('auth:api_key:revoke', 'auth', 'API keys: revoke', 'এপিআই কী: revoke'),
  ('organization:tenant:read', 'organization', 'Organisation: read', 'প্রতিষ্ঠান: read'),
  ('organization:tenant:update', 'organization', 'Organisation: update', 'প্রতিষ্ঠান: update'),
  ('organization:company:read', 'organization', 'Organisation company: read', 'প্রতিষ্ঠানের company: read'),
  ('organization:company:create', 'organization', 'Organisation company: create', 'প্রতিষ্ঠানের company: create'),
  ('organization:company:update', 'organization', 'Organisation company: update', 'প্রতিষ্ঠানের company: update'),
  ('organization:company:archive', 'organization', 'Organisation company: archive', 'প্রতিষ্ঠানের company: archive'),
  ('organization:branch:read', 'organization', 'Organisation branch: read', 'প্রতিষ্ঠানের branch: read'),
  ('organization:branch:create', 'organization', 'Organisation branch: create', 'প্রতিষ্ঠানের branch: create'),
  ('organization:branch:update', 'organization', 'Organisation branch: update', 'প্রতিষ্ঠানের branch: update'),
  ('organization:branch:archive', 'organization', 'Organisation branch: archive', 'প্রতিষ্ঠানের branch: archive'),
  ('organization:department:read', 'organization', 'Organisation department: read', 'প্রতিষ্ঠানের department: read'),
  ('organization:department:create', 'organization', 'Organisation department: create', 'প্রতিষ্ঠানের department: create'),
  ('organization:department:update', 'organization', 'Organisation department: update', 'প্রতিষ্ঠানের department: update'),
  ('organization:department:archive', 'organization', 'Organisation department: archive', 'প্রতিষ্ঠানের department: archive'),
  ('organization:designation:read', 'organization', 'Organisation designation: read', 'প্রতিষ্ঠানের designation: read'),
  ('organization:designation:create', 'organization', 'Organisation designation: create', 'প্রতিষ্ঠানের designation: create'),
  ('organization:designation:update', 'organization', 'Organisation designation: update', 'প্রতিষ্ঠানের designation: update'),
  ('organization:designation:archive', 'organization', 'Organisation designation: archive', 'প্রতিষ্ঠানের designation: archive'),
  ('organization:membership:read', 'organization', 'Organisation membership: read', 'প্রতিষ্ঠানের membership: read'),
  ('organization:membership:create', 'organization', 'Organisation membership: create', 'প্রতিষ্ঠানের membership: create'),
  ('organization:membership:update', 'organization', 'Organisation membership: update', 'প্রতিষ্ঠানের membership: update'),
  ('organization:membership:archive', 'organization', 'Organisation membership: archive', 'প্রতিষ্ঠানের membership: archive'),
  ('organization:chain:read', 'organization', 'Reporting chain: read', 'রিপোর্টিং চেইন: read')
ON CONFLICT (name) DO UPDATE SET service = excluded.service, description = excluded.description, description_bn = excluded.description_bn;
--> statement-breakpoint
ALTER TABLE auth.permissions FORCE ROW LEVEL SECURITY;
