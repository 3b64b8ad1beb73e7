-- The audit consumer dedupes on the log itself (unique tenant_id, event_id): the generic inbox is unused.
DROP TABLE "audit"."inbox" CASCADE;
