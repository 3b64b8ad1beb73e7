import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { index, integer, jsonb, numeric, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { Address, BankAccount } from "../domain/parties/values.ts";
import { masterData } from "./common.ts";

export const partyKind = masterData.enum("party_kind", ["organisation", "individual"]);
export const partyStatus = masterData.enum("party_status", ["active", "blocked", "archived"]);

/**
 * Customers, suppliers, contractors, sub-contractors, consultants and landowners in one table: the
 * roles are a set on the party, so one company can be both a supplier and a customer.
 */
export const parties = masterData.table(
  "parties",
  {
    id: id(),
    tenantId: tenantId(),
    kind: partyKind("kind").notNull().default("organisation"),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    roles: text("roles").array().notNull(),
    tradeLicenceNo: text("trade_licence_no"),
    bin: text("bin"),
    etin: text("etin"),
    nid: text("nid"),
    mobiles: text("mobiles").array().notNull().default(sql`'{}'::text[]`),
    email: text("email"),
    addresses: jsonb("addresses").$type<Address[]>().notNull().default([]),
    bankAccounts: jsonb("bank_accounts").$type<BankAccount[]>().notNull().default([]),
    vdsCategory: text("vds_category"),
    tdsCategory: text("tds_category"),
    creditLimit: numeric("credit_limit", { precision: 18, scale: 2 }),
    paymentTermsDays: integer("payment_terms_days"),
    status: partyStatus("status").notNull().default("active"),
    /** Set when this party was merged into another (it is archived then). */
    mergedIntoId: uuid("merged_into_id"),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    index("parties_tenant_id_id_idx").on(t.tenantId, t.id),
    uniqueIndex("parties_tenant_id_bin_key").on(t.tenantId, t.bin).where(sql`bin is not null`),
    uniqueIndex("parties_tenant_id_etin_key").on(t.tenantId, t.etin).where(sql`etin is not null`),
    // Name search (English or Bengali, any part of the name) through trigram indexes.
    index("parties_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")),
    index("parties_name_bn_trgm_idx").using("gin", t.nameBn.op("gin_trgm_ops")),
    tenantIsolation(),
  ],
);
