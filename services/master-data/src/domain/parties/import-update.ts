import type { Tx } from "@vextrus/platform/db";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { parties } from "../../db/schema.ts";
import type { Party } from "./verbs.ts";

/** The fields an import may change: column and type as the batch's JSON declares them. */
const FIELDS = [
  ["kind", "kind", "text", "::master_data.party_kind"],
  ["name", "name", "text", ""],
  ["nameBn", "name_bn", "text", ""],
  ["roles", "roles", "text[]", ""],
  ["tradeLicenceNo", "trade_licence_no", "text", ""],
  ["bin", "bin", "text", ""],
  ["etin", "etin", "text", ""],
  ["nid", "nid", "text", ""],
  ["mobiles", "mobiles", "text[]", ""],
  ["email", "email", "text", ""],
  ["addresses", "addresses", "jsonb", ""],
  ["bankAccounts", "bank_accounts", "jsonb", ""],
  ["vdsCategory", "vds_category", "text", ""],
  ["tdsCategory", "tds_category", "text", ""],
  ["creditLimit", "credit_limit", "numeric", ""],
  ["paymentTermsDays", "payment_terms_days", "int", ""],
] as const;

// The batch's columns are prefixed (x_…): drizzle writes the table's own columns unqualified.
const RECORD = sql.raw(
  ["x_id uuid", "x_version int", ...FIELDS.map(([, column, type]) => `x_${column} ${type}`)].join(", "),
);
const SET = Object.fromEntries(
  FIELDS.map(([field, column, , cast]) => [field, sql.raw(`x.x_${column}${cast}`)]),
) as Record<(typeof FIELDS)[number][0], SQL>;

export interface PartyUpdate {
  before: Party;
  patch: Record<string, unknown>;
}

/**
 * Updates a batch's parties in one statement, each only if still at the version the batch read
 * (the others are left out of the answer: they moved meanwhile). Every field is written from the
 * party before with the row's patch over it.
 */
export async function updateParties(tx: Tx, updates: readonly PartyUpdate[], now: Date) {
  const after = new Map<string, Party>();
  if (updates.length === 0) {
    return after;
  }
  const json = JSON.stringify(
    updates.map(({ before, patch }) => {
      const row: Record<string, unknown> = { ...before, ...patch };
      return Object.fromEntries([
        ["x_id", before.id],
        ["x_version", before.version],
        ...FIELDS.map(([field, column]) => [`x_${column}`, row[field] ?? null]),
      ]);
    }),
  );
  // With a FROM, drizzle cannot type the returned rows: they are the parties table's.
  const rows = (await tx
    .update(parties)
    .set({ ...SET, version: sql`${parties.version} + 1`, updatedAt: now })
    .from(sql`jsonb_to_recordset(${json}::jsonb) as x(${RECORD})`)
    .where(and(eq(parties.id, sql`x.x_id`), eq(parties.version, sql`x.x_version`)))
    .returning()) as unknown as Party[];
  for (const row of rows) {
    after.set(row.id, row);
  }
  return after;
}
