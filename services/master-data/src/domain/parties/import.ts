import { emitMany } from "@vextrus/events";
import { notFound } from "@vextrus/platform";
import { rowsOf, type Tx } from "@vextrus/platform/db";
import { and, between, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import { importedRows, outbox, parties } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import {
  columnsOf,
  diffOf,
  type ImportColumn,
  importBatchInput,
  issuesToErrors,
  type RowError,
  type RowOutcome,
  rowError,
} from "../imports/common.ts";
import { insertJson, rowMapper } from "../imports/insert-json.ts";
import { ADDRESS_COLUMNS, BANK_COLUMNS, columnOf, foldFlat, mergeLists } from "./import-columns.ts";
import { updateParties } from "./import-update.ts";
import { CreatePartyInput } from "./schemas.ts";
import type { Party } from "./verbs.ts";

/** Columns a spreadsheet row may be matched to an existing party by. */
export const PARTY_IMPORT_KEYS = ["bin", "etin", "nid", "tradeLicenceNo"] as const;
export type PartyImportKey = (typeof PARTY_IMPORT_KEYS)[number];
/** Lists of objects have no place in one cell: a row carries one of each in flat columns instead. */
const NESTED = new Set(["addresses", "bankAccounts"]);

let spec: { entity: "party"; keys: readonly PartyImportKey[]; columns: ImportColumn[] } | undefined;

/**
 * The columns of a party spreadsheet, read from the very schema `parties.create` validates with
 * (`z.toJSONSchema` of CreatePartyInput with the titles its fields carry): no second list to drift.
 */
export function partyImportSpec() {
  if (!spec) {
    const flat = [...ADDRESS_COLUMNS, ...BANK_COLUMNS].map(
      ({ field: _, ...c }): ImportColumn => ({ ...c, required: false }),
    );
    spec = {
      entity: "party",
      keys: PARTY_IMPORT_KEYS,
      columns: [...columnsOf(CreatePartyInput, NESTED), ...flat],
    };
  }
  return spec;
}

export const ImportPartiesInput = importBatchInput(PARTY_IMPORT_KEYS);
export type ImportPartiesInput = z.infer<typeof ImportPartiesInput>;

type Row = ImportPartiesInput["rows"][number];
type Parsed = z.output<typeof CreatePartyInput>;

type Validated =
  | { ok: true; data: Parsed; given: Record<string, unknown> }
  | { ok: false; errors: RowError[] };

/** A row through `parties.create`'s schema, its flat address and bank columns folded in first. */
function validate(row: Row): Validated {
  const given = foldFlat(row.values);
  const parsed = CreatePartyInput.safeParse(given);
  if (parsed.success) {
    return { ok: true, data: parsed.data, given };
  }
  return { ok: false, errors: issuesToErrors(parsed.error.issues, columnOf) };
}

const keyValue = (data: Parsed, key: PartyImportKey | undefined) =>
  key ? (data[key] as string | undefined) : undefined;

/** Key columns with a (tenant, column) unique index: looked up a value at a time through it. */
const INDEXED = new Set<PartyImportKey>(["bin", "etin"]);

/**
 * The parties whose `column` is one of `values`, each value probed through the column's unique
 * index (a LATERAL lookup a value). `column = any(values)` let the planner, under the tenant policy
 * and without fresh statistics of a table an import is filling, read EVERY party of the tenant and
 * filter them: a batch's lookups grew with each batch applied (0.5–1.5 s a batch at 10,000 rows).
 */
async function partiesByIndexed(tx: Tx, column: "bin" | "etin", values: readonly string[], limit: number) {
  const result = await tx.execute(sql`
    select p.* from jsonb_array_elements_text(${JSON.stringify(values)}::jsonb) as k(v)
    cross join lateral (select * from ${parties} where ${sql.identifier(column)} = k.v limit ${sql.raw(String(limit))}) p`);
  return rowsOf<Record<string, unknown>>(result).map(partyRow) as Party[];
}
const partyRow = rowMapper(parties);

async function existingByKey(tx: Tx, key: PartyImportKey | undefined, values: string[]) {
  const found = new Map<string, Party[]>();
  if (!key || values.length === 0) {
    return found;
  }
  // Two matches are enough to call a key ambiguous; a column without an index is one filtered read.
  const rows = INDEXED.has(key)
    ? await partiesByIndexed(tx, key as "bin" | "etin", values, 2)
    : await tx.select().from(parties).where(inArray(parties[key], values));
  for (const row of rows) {
    const value = row[key];
    if (value) {
      found.set(value, [...(found.get(value) ?? []), row]);
    }
  }
  return found;
}

/** Columns no two parties of a tenant share (unique indexes): a row taking another's value is refused. */
const UNIQUE = { bin: { en: "BIN", bn: "বিআইএন" }, etin: { en: "e-TIN", bn: "ই-টিআইএন" } } as const;
type UniqueColumn = keyof typeof UNIQUE;
const UNIQUE_COLUMNS = Object.keys(UNIQUE) as UniqueColumn[];

/** The parties holding any of the batch's BIN / e-TIN values now (a query a column), by column and value. */
async function holdersOf(tx: Tx, checked: readonly Checked[]) {
  const found = new Map<string, string>();
  const wanted = UNIQUE_COLUMNS.map((c) => [
    ...new Set(checked.flatMap(({ result }) => (result.ok && result.data[c] ? [result.data[c]] : []))),
  ]);
  const rows = (
    await Promise.all(
      UNIQUE_COLUMNS.map((c, i) =>
        (wanted[i] ?? []).length > 0 ? partiesByIndexed(tx, c, wanted[i] ?? [], 1) : [],
      ),
    )
  ).flat();
  for (const row of rows) {
    for (const c of UNIQUE_COLUMNS) {
      if (row[c]) {
        found.set(`${c}:${row[c]}`, row.id);
      }
    }
  }
  return found;
}

const TAKEN = (column: UniqueColumn) =>
  rowError(
    column,
    "import.unique.taken",
    `Another party already has this ${UNIQUE[column].en} (column ${column})`,
    `অন্য একটি পক্ষের এই ${UNIQUE[column].bn} ইতিমধ্যে আছে (কলাম ${column})`,
  );
const TAKEN_IN_BATCH = (column: UniqueColumn) =>
  rowError(
    column,
    "import.unique.repeated",
    `An earlier row gives another party this ${UNIQUE[column].en} (column ${column})`,
    `আগের একটি সারিতে অন্য পক্ষকে এই ${UNIQUE[column].bn} দেওয়া হয়েছে (কলাম ${column})`,
  );

/**
 * A row that would give its party a BIN or e-TIN another party holds (now, or by an earlier row of
 * the batch) is that row's error, naming the column, instead of a unique violation failing the batch.
 */
function refuseTaken(decided: Decided[], holders: Map<string, string>, key: PartyImportKey | undefined) {
  const claimed = new Map<string, string>();
  for (const d of decided) {
    if ((d.outcome.action !== "create" && d.outcome.action !== "update") || !d.data) {
      continue;
    }
    const self = d.current?.id ?? `row:${d.row.rowNo}`;
    const errors: RowError[] = [];
    for (const c of UNIQUE_COLUMNS) {
      const value = d.data[c];
      if (!value) {
        continue;
      }
      const holder = holders.get(`${c}:${value}`);
      const earlier = claimed.get(`${c}:${value}`);
      if (holder && holder !== self) {
        errors.push(TAKEN(c));
      } else if (earlier && earlier !== self && c !== key) {
        // (Rows repeating the key column are the file's to refuse: import-export's duplicate_in_file.)
        errors.push(TAKEN_IN_BATCH(c));
      }
    }
    if (errors.length > 0) {
      d.outcome = { rowNo: d.row.rowNo, applied: false, action: "error", errors };
      continue;
    }
    for (const c of UNIQUE_COLUMNS) {
      const value = d.data[c];
      if (value) {
        claimed.set(`${c}:${value}`, self);
      }
    }
  }
}

const DUPLICATE_KEY = (key: string) =>
  rowError(
    key,
    "import.key.duplicate",
    `Another party already has this ${key}`,
    `অন্য একটি পক্ষের এই ${key} ইতিমধ্যে আছে`,
  );
const AMBIGUOUS_KEY = (key: string) =>
  rowError(
    key,
    "import.key.ambiguous",
    `More than one party has this ${key}; match by another column`,
    `একাধিক পক্ষের এই ${key} আছে; অন্য কলাম দিয়ে মেলান`,
  );
const MOVED = rowError(
  "(row)",
  "import.target.moved",
  "The party changed or appeared after the preview; preview again",
  "প্রিভিউয়ের পর পক্ষটি পরিবর্তিত হয়েছে বা যুক্ত হয়েছে; আবার প্রিভিউ করুন",
);
const ARCHIVED = rowError(
  "(row)",
  "master_data.party.archived",
  "This party is archived; restore it first",
  "এই পক্ষটি আর্কাইভ করা হয়েছে; আগে পুনরুদ্ধার করুন",
);

interface Decided {
  row: Row;
  outcome: RowOutcome;
  data?: Parsed;
  current?: Party;
}

type Checked = { row: Row; result: Validated };

/** The key values of the valid rows (looked up in one query a batch). */
const keysOf = (checked: readonly Checked[], key: PartyImportKey | undefined) => [
  ...new Set(
    checked.flatMap(({ result }) => {
      const value = result.ok ? keyValue(result.data, key) : undefined;
      return value ? [value] : [];
    }),
  ),
];

/** What each row would do against the parties as they are now (`existing`, by key). */
function decide(
  input: ImportPartiesInput,
  checked: readonly Checked[],
  existing: Map<string, Party[]>,
): Decided[] {
  const key = input.keyColumn;
  return checked.map(({ row, result }): Decided => {
    const base = { rowNo: row.rowNo, applied: false };
    if (!result.ok) {
      return { row, outcome: { ...base, action: "error", errors: result.errors } };
    }
    const value = keyValue(result.data, key);
    const matches = value ? (existing.get(value) ?? []) : [];
    if (matches.length > 1 && key) {
      return { row, outcome: { ...base, action: "error", errors: [AMBIGUOUS_KEY(key)] } };
    }
    const current = matches[0];
    if (!current) {
      return { row, data: result.data, outcome: { ...base, action: "create" } };
    }
    if (input.mode === "create" && key) {
      return { row, outcome: { ...base, action: "error", errors: [DUPLICATE_KEY(key)] } };
    }
    if (current.status === "archived") {
      return { row, outcome: { ...base, action: "error", id: current.id, errors: [ARCHIVED] } };
    }
    const data = mergeLists(current, result.data);
    const diff = diffOf(current, data, Object.keys(result.given));
    return {
      row,
      data,
      current,
      outcome: {
        ...base,
        action: diff.length === 0 ? "unchanged" : "update",
        id: current.id,
        version: current.version,
        diff,
      },
    };
  });
}

/** Whether the preview's decision still holds: the same party at the same version (or still none). */
function stillAsPreviewed(d: Decided): boolean {
  const target = d.row.target;
  if (d.outcome.action === "create") {
    return target === undefined;
  }
  return target !== undefined && d.current?.id === target.id && d.current.version === target.expectedVersion;
}

/**
 * Inserts the new parties in one statement. A row colliding with a party that appeared meanwhile
 * (a unique BIN or e-TIN) is skipped by the statement and answered as a duplicate; the ids are made
 * here, so each returned party is matched to its row.
 */
async function insertParties(tx: Tx, ctx: MdContext, creates: Decided[]): Promise<Map<number, Party>> {
  const out = new Map<number, Party>();
  if (creates.length === 0) {
    return out;
  }
  const now = ctx.deps.now();
  const ids = creates.map(() => Bun.randomUUIDv7());
  const rows = (await insertJson(
    tx,
    parties,
    creates.map((d, i) => ({
      ...(d.data as Parsed),
      id: ids[i],
      tenantId: ctx.tenantId,
      createdAt: now,
      updatedAt: now,
    })),
    { onConflictDoNothing: true, returning: true },
  )) as Party[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  creates.forEach((d, i) => {
    const row = byId.get(ids[i] ?? "");
    if (row) {
      out.set(d.row.rowNo, row);
    } else {
      d.outcome = { ...d.outcome, action: "error", errors: [DUPLICATE_KEY("bin/etin")] };
    }
  });
  return out;
}

/** A row's target is a party the preview found: one this tenant cannot see is NOT_FOUND for the call. */
async function targetsExist(tx: Tx, rows: readonly Row[]) {
  const ids = [...new Set(rows.flatMap((r) => (r.target ? [r.target.id] : [])))];
  if (ids.length === 0) {
    return;
  }
  const found = await tx.select({ id: parties.id }).from(parties).where(inArray(parties.id, ids));
  if (found.length !== ids.length) {
    throw notFound({ en: "Party", bn: "পক্ষ" }, "master_data.party.not_found");
  }
}

const outcomeOfApplied = (r: typeof importedRows.$inferSelect): RowOutcome => ({
  rowNo: r.rowNo,
  action: r.action === "created" ? "create" : r.action === "updated" ? "update" : "unchanged",
  applied: true,
  id: r.recordId,
  version: r.versionAfter,
});

/**
 * A batch of spreadsheet rows through the rules of `parties.create` / `parties.update`: the same
 * schema, the same unique BIN / e-TIN, the same events (`party.created` / `party.updated`), in one
 * transaction. `dryRun` answers what each row would do (with a field diff for updates). Applying
 * records each row under (importId, rowNo): a row applied before is answered as it was, never again.
 */
export const importParties = ({ ctx, input }: { ctx: MdContext; input: ImportPartiesInput }) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const rowNos = input.rows.map((r) => r.rowNo);
      const checked = input.rows.map((row) => ({ row, result: validate(row) }));
      // The batch's reads go out together (pipelined on the transaction's connection): what was
      // applied before, the targets, the parties the keys match.
      const [done, existing, holders] = await Promise.all([
        input.dryRun
          ? []
          : tx
              .select()
              .from(importedRows)
              .where(
                and(
                  eq(importedRows.importId, input.importId),
                  // The batch's range reads its rows by the primary key (IN alone filters the import's every row).
                  between(importedRows.rowNo, Math.min(...rowNos), Math.max(...rowNos)),
                  inArray(importedRows.rowNo, rowNos),
                ),
              ),
        existingByKey(tx, input.keyColumn, keysOf(checked, input.keyColumn)),
        holdersOf(tx, checked),
        targetsExist(tx, input.rows),
      ]);
      const already = new Map(done.map((r) => [r.rowNo, outcomeOfApplied(r)]));
      const decided = decide(
        input,
        checked.filter((c) => !already.has(c.row.rowNo)),
        existing,
      );
      refuseTaken(decided, holders, input.keyColumn);
      if (input.dryRun) {
        return decided.map((d) => d.outcome);
      }
      for (const d of decided) {
        if (d.outcome.action !== "error" && !stillAsPreviewed(d)) {
          d.outcome = { ...d.outcome, action: "error", errors: [MOVED] };
        }
      }
      const updates = decided.flatMap((d) =>
        d.outcome.action === "update" && d.current
          ? [
              {
                before: d.current,
                patch: Object.fromEntries((d.outcome.diff ?? []).map((f) => [f.field, f.to])),
              },
            ]
          : [],
      );
      // New parties in one statement, changed ones in another, sent together (pipelined).
      const [created, updated] = await Promise.all([
        insertParties(
          tx,
          ctx,
          decided.filter((d) => d.outcome.action === "create"),
        ),
        updateParties(tx, updates, ctx.deps.now()),
      ]);
      const events: Parameters<typeof emitMany>[2][number][] = [];
      const applied: (typeof importedRows.$inferInsert)[] = [];
      const actor = ctx.principal.userId;
      for (const d of decided) {
        const rowNo = d.row.rowNo;
        if (d.outcome.action === "create") {
          const row = created.get(rowNo);
          if (!row) {
            continue;
          }
          d.outcome = { ...d.outcome, applied: true, id: row.id, version: row.version };
          events.push({
            type: "vextrus.master_data.party.created",
            subject: row.id,
            tenantId: ctx.tenantId,
            actorId: actor,
            data: { id: row.id, after: row },
          });
          applied.push({
            tenantId: ctx.tenantId,
            importId: input.importId,
            rowNo,
            entity: "party",
            recordId: row.id,
            action: "created",
            versionAfter: row.version,
          });
        } else if (d.outcome.action === "update" && d.current && d.data) {
          const before = d.current;
          const after = updated.get(before.id);
          if (!after) {
            d.outcome = { ...d.outcome, action: "error", errors: [MOVED] };
            continue;
          }
          events.push({
            type: "vextrus.master_data.party.updated",
            subject: after.id,
            tenantId: ctx.tenantId,
            actorId: actor,
            data: { id: after.id, before, after },
          });
          d.outcome = { ...d.outcome, applied: true, version: after.version };
          applied.push({
            tenantId: ctx.tenantId,
            importId: input.importId,
            rowNo,
            entity: "party",
            recordId: after.id,
            action: "updated",
            versionAfter: after.version,
            before,
          });
        } else if (d.outcome.action === "unchanged" && d.current) {
          d.outcome = { ...d.outcome, applied: true };
          applied.push({
            tenantId: ctx.tenantId,
            importId: input.importId,
            rowNo,
            entity: "party",
            recordId: d.current.id,
            action: "unchanged",
            versionAfter: d.current.version,
          });
        }
      }
      // The events and the record of the applied rows go out together (pipelined).
      await Promise.all([emitMany(tx, outbox, events), insertJson(tx, importedRows, applied)]);
      ctx.deps.metrics.recordsCreated.inc({ entity: "party" }, created.size);
      const outcomes = new Map(decided.map((d) => [d.row.rowNo, d.outcome]));
      return rowNos.map((rowNo) => already.get(rowNo) ?? outcomes.get(rowNo)) as RowOutcome[];
    },
    input.dryRun ? { readOnly: true } : {},
  );
