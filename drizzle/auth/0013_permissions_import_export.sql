-- Permissions of spreadsheet import and export (the catalog in services/auth/src/domain/permission-catalog.ts;
-- a test keeps both equal): master-data's `party:import` (rows applied through import-export) and
-- import-export's own. `read` is among the viewer's and approver's reads.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('master-data:party:import', 'master-data', 'Parties: import', 'পক্ষ: import'),
  ('import-export:import:read', 'import-export', 'Spreadsheet imports: read', 'স্প্রেডশিট ইমপোর্ট: read'),
  ('import-export:import:create', 'import-export', 'Spreadsheet imports: create', 'স্প্রেডশিট ইমপোর্ট: create'),
  ('import-export:import:apply', 'import-export', 'Spreadsheet imports: apply', 'স্প্রেডশিট ইমপোর্ট: apply'),
  ('import-export:import:rollback', 'import-export', 'Spreadsheet imports: rollback', 'স্প্রেডশিট ইমপোর্ট: rollback'),
  ('import-export:export:read', 'import-export', 'Spreadsheet exports: read', 'স্প্রেডশিট এক্সপোর্ট: read'),
  ('import-export:export:create', 'import-export', 'Spreadsheet exports: create', 'স্প্রেডশিট এক্সপোর্ট: create')
ON CONFLICT (name) DO NOTHING;
