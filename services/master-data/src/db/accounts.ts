import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { boolean, foreignKey, index, text, unique, uuid } from "drizzle-orm/pg-core";
import { archivedAt, masterData } from "./common.ts";

export const accountType = masterData.enum("account_type", [
  "asset",
  "liability",
  "equity",
  "income",
  "expense",
]);

/**
 * A company's chart of accounts: a tree of groups with ledgers as leaves (a ledger has no children).
 * `companyId` is organization's company id (this service stores it, it does not read organization).
 */
export const accounts = masterData.table(
  "accounts",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id").notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    type: accountType("type").notNull(),
    isGroup: boolean("is_group").notNull(),
    parentId: uuid("parent_id"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("accounts_tenant_id_id_key").on(t.tenantId, t.id),
    unique("accounts_tenant_id_company_id_code_key").on(t.tenantId, t.companyId, t.code),
    foreignKey({
      name: "accounts_parent_fk",
      columns: [t.tenantId, t.parentId],
      foreignColumns: [t.tenantId, t.id],
    }),
    index("accounts_parent_id_idx").on(t.tenantId, t.parentId),
    index("accounts_company_id_idx").on(t.tenantId, t.companyId, t.id),
    tenantIsolation(),
  ],
);
