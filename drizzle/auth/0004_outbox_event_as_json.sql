-- The relay publishes the event text as stored: json keeps JSON.stringify's compact text (jsonb would
-- reformat it) and costs no conversion on insert or read. Nothing queries inside it with jsonb operators.
ALTER TABLE "auth"."outbox" ALTER COLUMN "event" SET DATA TYPE json;
