import { tenantId, tenantIsolation } from "@vextrus/platform/db";
import { integer, jsonb, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { masterData } from "./common.ts";

/**
 * One row per spreadsheet row an import applied (import-export's import id and row number): a
 * re-sent batch finds its rows here and changes nothing, and a rollback knows what each row did —
 * the record, its version right after, and (for an update) the record before.
 */
export const importedRows = masterData.table(
  "imported_rows",
  {
    tenantId: tenantId(),
    importId: uuid("import_id").notNull(),
    rowNo: integer("row_no").notNull(),
    entity: text("entity").notNull(),
    recordId: uuid("record_id").notNull(),
    action: text("action", { enum: ["created", "updated", "unchanged"] }).notNull(),
    versionAfter: integer("version_after").notNull(),
    before: jsonb("before").$type<Record<string, unknown>>(),
    rolledBackAt: timestamp("rolled_back_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.importId, t.rowNo] }), tenantIsolation()],
);
