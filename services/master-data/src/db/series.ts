import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { bigint, foreignKey, primaryKey, text, unique, uuid } from "drizzle-orm/pg-core";
import { archivedAt, masterData } from "./common.ts";

export const seriesReset = masterData.enum("series_reset", ["never", "fiscal_year"]);

/** A document numbering series of one company: `PO/{FY}/{SEQ:6}` → `PO/2025-26/000123`. */
export const series = masterData.table(
  "series",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id").notNull(),
    key: text("key").notNull(),
    name: text("name").notNull(),
    pattern: text("pattern").notNull(),
    reset: seriesReset("reset").notNull(),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("series_tenant_id_id_key").on(t.tenantId, t.id),
    unique("series_tenant_id_company_id_key_key").on(t.tenantId, t.companyId, t.key),
    tenantIsolation(),
  ],
);

/**
 * The last number issued by a series in a period ('' for a series that never resets, else the fiscal
 * year). Incremented in the caller's transaction: a rolled-back call gives its number back, so the
 * numbers have no gaps (unlike a PostgreSQL sequence).
 */
export const seriesCounters = masterData.table(
  "series_counters",
  {
    tenantId: tenantId(),
    seriesId: uuid("series_id").notNull(),
    period: text("period").notNull(),
    lastValue: bigint("last_value", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "series_counters_pkey", columns: [t.tenantId, t.seriesId, t.period] }),
    foreignKey({
      name: "series_counters_series_fk",
      columns: [t.tenantId, t.seriesId],
      foreignColumns: [series.tenantId, series.id],
    }),
    tenantIsolation(),
  ],
);
