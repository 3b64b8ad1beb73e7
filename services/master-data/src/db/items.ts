import { VAT_CATEGORIES } from "@vextrus/bd";
import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { check, foreignKey, index, numeric, text, unique, uuid } from "drizzle-orm/pg-core";
import { archivedAt, masterData } from "./common.ts";
import { units } from "./units.ts";

export const itemKind = masterData.enum("item_kind", ["material", "service", "equipment"]);
/** @vextrus/bd's VAT rate categories: what an item's VAT rate is read from (0% is zero-rated or exempt). */
export const vatCategory = masterData.enum("vat_category", VAT_CATEGORIES);

/** A tree of item groups (Materials › Cement › OPC). */
export const itemGroups = masterData.table(
  "item_groups",
  {
    id: id(),
    tenantId: tenantId(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    parentId: uuid("parent_id"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("item_groups_tenant_id_id_key").on(t.tenantId, t.id),
    unique("item_groups_tenant_id_code_key").on(t.tenantId, t.code),
    foreignKey({
      name: "item_groups_parent_fk",
      columns: [t.tenantId, t.parentId],
      foreignColumns: [t.tenantId, t.id],
    }),
    index("item_groups_parent_id_idx").on(t.tenantId, t.parentId),
    tenantIsolation(),
  ],
);

/** Materials, services and equipment, with their VAT defaults and units. */
export const items = masterData.table(
  "items",
  {
    id: id(),
    tenantId: tenantId(),
    code: text("code").notNull(),
    kind: itemKind("kind").notNull(),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    groupId: uuid("group_id"),
    /** Bangladesh's 8-digit H.S. code (customs and VAT). */
    hsCode: text("hs_code"),
    /** The category names the supply; `vatRate` is its rate in the table in force when last written. */
    vatCategory: vatCategory("vat_category").notNull().default("standard"),
    vatRate: numeric("vat_rate", { precision: 5, scale: 2, mode: "number" }).notNull(),
    sdRate: numeric("sd_rate", { precision: 6, scale: 2 }).notNull().default("0"),
    baseUnitId: uuid("base_unit_id").notNull(),
    purchaseUnitId: uuid("purchase_unit_id"),
    salesUnitId: uuid("sales_unit_id"),
    /** Per base unit, in BDT. */
    standardRate: numeric("standard_rate", { precision: 18, scale: 2 }),
    specification: text("specification"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("items_tenant_id_code_key").on(t.tenantId, t.code),
    foreignKey({
      name: "items_group_fk",
      columns: [t.tenantId, t.groupId],
      foreignColumns: [itemGroups.tenantId, itemGroups.id],
    }),
    foreignKey({
      name: "items_base_unit_fk",
      columns: [t.tenantId, t.baseUnitId],
      foreignColumns: [units.tenantId, units.id],
    }),
    foreignKey({
      name: "items_purchase_unit_fk",
      columns: [t.tenantId, t.purchaseUnitId],
      foreignColumns: [units.tenantId, units.id],
    }),
    foreignKey({
      name: "items_sales_unit_fk",
      columns: [t.tenantId, t.salesUnitId],
      foreignColumns: [units.tenantId, units.id],
    }),
    check("items_rates_non_negative", sql`${t.standardRate} >= 0 and ${t.sdRate} >= 0 and ${t.vatRate} >= 0`),
    index("items_group_id_idx").on(t.tenantId, t.groupId),
    tenantIsolation(),
  ],
);
