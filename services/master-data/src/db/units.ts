import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { check, numeric, text, unique } from "drizzle-orm/pg-core";
import { archivedAt, masterData } from "./common.ts";

export const unitCategory = masterData.enum("unit_category", ["mass", "volume", "area", "length", "count"]);

/**
 * A unit of measure: `factor` is how many of its category's base unit (kg, m³, m², m, nos) one of it
 * is, as an exact decimal (a bag is 50 kg, a cft 0.028316846592 m³). Conversions use only these.
 */
export const units = masterData.table(
  "units",
  {
    id: id(),
    tenantId: tenantId(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    category: unitCategory("category").notNull(),
    factor: numeric("factor", { precision: 30, scale: 12 }).notNull(),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("units_tenant_id_id_key").on(t.tenantId, t.id),
    unique("units_tenant_id_code_key").on(t.tenantId, t.code),
    check("units_factor_positive", sql`${t.factor} > 0`),
    tenantIsolation(),
  ],
);
