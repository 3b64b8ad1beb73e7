-- Name search (English and Bengali, any part of a name) is served by trigram indexes. pg_trgm is a
-- trusted extension: the database owner may create it; embedded PGlite loads it at start.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
