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

/**
 * The words of each party's names, lowercased, kept by a trigger (migration 0014). Searched by prefix
 * with text_pattern_ops' `~>=~` and `~<~`: LEAKPROOF operators, which PostgreSQL lets an index apply
 * ahead of the tenant policy (ILIKE, trigram and full-text operators are not, so under FORCE
 * row-level security they only ever filter a scan).
 */
export const partyTerms = masterData.table(
  "party_terms",
  {
    tenantId: tenantId(),
    partyId: uuid("party_id").notNull(),
    term: text("term").notNull(),
  },
  (t) => [
    index("party_terms_term_idx").on(t.tenantId, t.term.op("text_pattern_ops"), t.partyId),
    index("party_terms_party_id_idx").on(t.tenantId, t.partyId),
    tenantIsolation(),
  ],
);
