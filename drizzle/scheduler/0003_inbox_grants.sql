-- Consumers record each applied event in their tenant transaction (as the app role).
GRANT SELECT, INSERT ON scheduler.inbox TO vextrus_app;
