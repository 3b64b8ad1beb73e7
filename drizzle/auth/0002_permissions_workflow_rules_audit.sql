-- Permissions of the workflow, rules-engine and audit services (the catalog in
-- services/auth/src/domain/permission-catalog.ts; a test keeps both equal).
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('workflow:definition:read', 'workflow', 'Approval process definitions: read', 'অনুমোদন প্রক্রিয়ার সংজ্ঞা: read'),
  ('workflow:definition:create', 'workflow', 'Approval process definitions: create', 'অনুমোদন প্রক্রিয়ার সংজ্ঞা: create'),
  ('workflow:process:read', 'workflow', 'Approval processes: read', 'অনুমোদন প্রক্রিয়া: read'),
  ('workflow:process:start', 'workflow', 'Approval processes: start', 'অনুমোদন প্রক্রিয়া: start'),
  ('workflow:task:read', 'workflow', 'Approval tasks: read', 'অনুমোদনের কাজ: read'),
  ('workflow:task:decide', 'workflow', 'Approval tasks: decide', 'অনুমোদনের কাজ: decide'),
  ('workflow:task:delegate', 'workflow', 'Approval tasks: delegate', 'অনুমোদনের কাজ: delegate'),
  ('workflow:task:escalate', 'workflow', 'Approval tasks: escalate', 'অনুমোদনের কাজ: escalate'),
  ('rules:ruleset:read', 'rules', 'Rule sets: read', 'নিয়মের সেট: read'),
  ('rules:rule:write', 'rules', 'Rules: write', 'নিয়ম: write'),
  ('rules:evaluation:read', 'rules', 'Rule evaluations: read', 'নিয়ম মূল্যায়ন: read'),
  ('rules:evaluation:run', 'rules', 'Rule evaluations: run', 'নিয়ম মূল্যায়ন: run'),
  ('audit:event:read', 'audit', 'Audit log: read', 'অডিট লগ: read'),
  ('audit:event:export', 'audit', 'Audit log: export', 'অডিট লগ: export')
ON CONFLICT (name) DO NOTHING;
