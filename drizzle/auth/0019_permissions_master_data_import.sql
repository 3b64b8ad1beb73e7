-- Spreadsheet import of items and of the chart of accounts (the catalog in
-- services/auth/src/domain/permission-catalog.ts; a test keeps both equal): master-data's `item:import`
-- and `account:import`, which import-export's jobs need (as `party:import` for parties, migration 0013).
-- Built-in roles take their permissions from code: admins and managers hold master-data:*.
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('master-data:item:import', 'master-data', 'Items: import', 'পণ্য: import'),
  ('master-data:account:import', 'master-data', 'Chart of accounts: import', 'হিসাবের তালিকা: import')
ON CONFLICT (name) DO NOTHING;
