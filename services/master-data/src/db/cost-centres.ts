import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { foreignKey, index, text, unique, uuid } from "drizzle-orm/pg-core";
import { archivedAt, masterData } from "./common.ts";

/** A company's cost centres, as a tree (Head office › Site A › Tower 1). */
export const costCentres = masterData.table(
  "cost_centres",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id").notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    parentId: uuid("parent_id"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("cost_centres_tenant_id_id_key").on(t.tenantId, t.id),
    unique("cost_centres_tenant_id_company_id_code_key").on(t.tenantId, t.companyId, t.code),
    foreignKey({
      name: "cost_centres_parent_fk",
      columns: [t.tenantId, t.parentId],
      foreignColumns: [t.tenantId, t.id],
    }),
    index("cost_centres_parent_id_idx").on(t.tenantId, t.parentId),
    index("cost_centres_company_id_idx").on(t.tenantId, t.companyId, t.id),
    tenantIsolation(),
  ],
);
