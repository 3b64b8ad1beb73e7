-- Batches and their items are written by the application role, within its tenant only.
GRANT USAGE ON TYPE document_generator.batch_status TO vextrus_app;
--> statement-breakpoint
GRANT USAGE ON TYPE document_generator.batch_item_status TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON document_generator.batches TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON document_generator.batch_items TO vextrus_app;
--> statement-breakpoint
-- ENABLE alone exempts the table owner; FORCE applies the tenant policy to the owner too.
ALTER TABLE document_generator.batches FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE document_generator.batch_items FORCE ROW LEVEL SECURITY;
