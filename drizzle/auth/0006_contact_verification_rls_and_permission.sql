-- Contact verifications: read, created and marked used inside tenant transactions; FORCEd like every tenant table.
GRANT USAGE ON TYPE auth.contact_channel TO vextrus_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON auth.contact_verifications TO vextrus_app;
--> statement-breakpoint
ALTER TABLE auth.contact_verifications FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Changing another user's e-mail or mobile is its own permission (src/domain/permission-catalog.ts).
-- Existing addresses stay unverified: nobody has proved they receive them, so password resets wait
-- until the person verifies (requestContactVerification, then verifyContact).
INSERT INTO auth.permissions (name, service, description, description_bn) VALUES
  ('auth:user:change-contact', 'auth', 'Users: change-contact', 'ব্যবহারকারী: change-contact')
ON CONFLICT (name) DO NOTHING;
