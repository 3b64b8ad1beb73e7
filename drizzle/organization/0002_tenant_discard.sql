-- A registration that fails half-way is undone by deleting its (empty) tenant row; nothing else is ever deleted.
GRANT DELETE ON organization.tenants TO vextrus_app;
