import { tenantId, tenantIsolation } from "@vextrus/platform/db";
import { index, text, uuid } from "drizzle-orm/pg-core";
import { masterData } from "./common.ts";

/**
 * The words of the names (English and Bengali, lowercased) of units, item groups, items, accounts,
 * cost centres, projects and series, kept by one trigger on each table (migration 0018); `entity` is
 * the table's name. Searched by prefix with text_pattern_ops' `~>=~ / ~<~`, which are LEAKPROOF, so the
 * btree serves a tenant's search under FORCE row-level security (as `party_terms` does for parties).
 */
export const recordTerms = masterData.table(
  "record_terms",
  {
    tenantId: tenantId(),
    entity: text("entity").notNull(),
    recordId: uuid("record_id").notNull(),
    term: text("term").notNull(),
  },
  (t) => [
    index("record_terms_term_idx").on(t.tenantId, t.entity, t.term.op("text_pattern_ops"), t.recordId),
    index("record_terms_record_id_idx").on(t.tenantId, t.recordId),
    tenantIsolation(),
  ],
);
