-- The app role may add events (inside tenant transactions) and nothing else: the relay reads,
-- marks and prunes the outbox as the schema owner.
GRANT INSERT ON organization.outbox TO vextrus_app;
