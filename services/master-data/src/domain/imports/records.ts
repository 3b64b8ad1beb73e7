import { emitMany } from "@vextrus/events";
import { notFound } from "@vextrus/platform";
import { rowsOf, type Tx } from "@vextrus/platform/db";
import { and, between, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { z } from "zod";
import { importedRows, outbox } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import {
  columnsOf,
  diffOf,
  type importBatchInput,
  issuesToErrors,
  MOVED,
  type RowError,
  type RowOutcome,
  rowError,
} from "./common.ts";
import { insertJson, rowMapper } from "./insert-json.ts";
import { coerceCells, isUuid, prefetchReferences } from "./references.ts";
import type { ImportableRecord, Rec } from "./spec.ts";

type BatchInput = z.infer<ReturnType<typeof importBatchInput>>;
type Row = BatchInput["rows"][number];

/** The entity's spreadsheet columns and the columns rows may be matched by. */
export function recordImportSpec(spec: ImportableRecord) {
  return { entity: spec.key, keys: spec.keys, columns: columnsOf(spec.schema) };
}

interface Decided {
  row: Row;
  outcome: RowOutcome;
  data?: Rec;
  current?: Rec;
  /** The id a created row gets (made here: a later row of the batch may reference it). */
  newId?: string;
}

const scopeKey = (spec: ImportableRecord, data: Rec, value: unknown) =>
  `${spec.scope ? String(data[spec.scope] ?? "") : ""}|${String(value)}`;

/**
 * The records holding any of the batch's key and unique values now, by field, scope and value: one
 * statement per field, each value (with its scope, when the field is unique within one) probed
 * through the table's unique index by a LATERAL lookup. `column = any(values)` let the planner, under
 * the tenant policy and without fresh statistics of a table an import is filling, read every record
 * of the tenant and filter them (what made party imports slow down batch after batch).
 */
async function holdersOf(tx: Tx, spec: ImportableRecord, rows: readonly Rec[]) {
  const fields = [...new Set([...spec.keys, ...spec.unique])];
  const scopeColumn = spec.scope ? spec.columns[spec.scope] : undefined;
  const toRecord = rowMapper(spec.table);
  const found = new Map<string, Rec[]>();
  for (const f of fields) {
    const column = spec.columns[f];
    const probes = new Map<string, { s: unknown; v: string }>();
    for (const r of rows) {
      if (typeof r[f] === "string" && r[f]) {
        const v = String(r[f]).trim();
        const scope = spec.scope ? r[spec.scope] : undefined;
        // Only a well-formed scope narrows the probe: a malformed cell is the row's error, not the statement's.
        const s = scopeColumn && typeof scope === "string" && isUuid(scope) ? scope : null;
        probes.set(`${String(s)}|${v}`, { s, v });
      }
    }
    if (!column || probes.size === 0) {
      continue;
    }
    // A row without its scope value matches the value in any scope, as `column = any(values)` did.
    const inScope = scopeColumn ? sql` and (k.s is null or ${scopeColumn} = k.s::uuid)` : sql``;
    const result = await tx.execute(sql`
      select t.* from jsonb_to_recordset(${JSON.stringify([...probes.values()])}::jsonb) as k(s text, v text)
      cross join lateral (select * from ${spec.table} where ${column} = k.v${inScope}) t`);
    const seen = new Set<unknown>();
    for (const record of rowsOf<Rec>(result).map(toRecord)) {
      if (seen.has(record.id) || !record[f]) {
        continue;
      }
      seen.add(record.id);
      const k = `${f}:${scopeKey(spec, record, record[f])}`;
      found.set(k, [...(found.get(k) ?? []), record]);
    }
  }
  return found;
}

const label = (spec: ImportableRecord) => spec.label;
const DUPLICATE = (spec: ImportableRecord, column: string) =>
  rowError(
    column,
    "import.key.duplicate",
    `Another ${label(spec).en.toLowerCase()} already has this ${column}`,
    `অন্য একটি ${label(spec).bn}-এর এই ${column} ইতিমধ্যে আছে`,
  );
const REPEATED = (spec: ImportableRecord, column: string) =>
  rowError(
    column,
    "import.unique.repeated",
    `An earlier row gives another ${label(spec).en.toLowerCase()} this ${column}`,
    `আগের একটি সারিতে অন্য ${label(spec).bn}-কে এই ${column} দেওয়া হয়েছে`,
  );
const ARCHIVED = (spec: ImportableRecord) =>
  rowError(
    "(row)",
    `master_data.${spec.key}.archived`,
    `This ${label(spec).en.toLowerCase()} is archived; restore it first`,
    `এই ${label(spec).bn} আর্কাইভ করা হয়েছে; আগে পুনরুদ্ধার করুন`,
  );
const FIXED = (column: string) =>
  rowError(
    column,
    "import.field.fixed",
    `${column} cannot change once the record exists`,
    `রেকর্ড তৈরির পর ${column} বদলানো যায় না`,
  );

/** What each row would do against the records as they are now. */
async function decide(
  tx: Tx,
  spec: ImportableRecord,
  input: BatchInput,
  rows: readonly Row[],
  now: Date,
): Promise<Decided[]> {
  const key = input.keyColumn;
  const coerced = rows.map((row) => coerceCells(spec, row.values));
  const [refs, holders] = await Promise.all([
    prefetchReferences(tx, spec, coerced),
    holdersOf(tx, spec, coerced),
  ]);
  const claimed = new Map<string, string>();
  const decided: Decided[] = [];
  for (const [i, row] of rows.entries()) {
    const base = { rowNo: row.rowNo, applied: false };
    const fail = (errors: RowError[], id?: string) =>
      decided.push({ row, outcome: { ...base, action: "error", errors, ...(id ? { id } : {}) } });
    const values = coerced[i] ?? {};
    const resolved = refs.resolve(values);
    const parsed = spec.schema.safeParse(resolved.values);
    if (!parsed.success || resolved.errors.length > 0) {
      // A reference not found is said once (not again as the schema's "not a uuid").
      const named = new Set(resolved.errors.map((e) => e.column));
      const issues = parsed.success ? [] : issuesToErrors(parsed.error.issues);
      fail([...resolved.errors, ...issues.filter((e) => !named.has(e.column))]);
      continue;
    }
    const given = Object.keys(values);
    const data = parsed.data as Rec;
    const current = key ? holders.get(`${key}:${scopeKey(spec, data, data[key])}`)?.[0] : undefined;
    if (current && input.mode === "create" && key) {
      fail([DUPLICATE(spec, key)]);
      continue;
    }
    if (current?.archivedAt) {
      fail([ARCHIVED(spec)], String(current.id));
      continue;
    }
    const self = current ? String(current.id) : Bun.randomUUIDv7();
    const errors: RowError[] = [];
    for (const f of spec.unique) {
      if (data[f] === undefined || data[f] === null) {
        continue;
      }
      const k = `${f}:${scopeKey(spec, data, data[f])}`;
      const holder = holders.get(k)?.[0];
      if (holder && String(holder.id) !== self) {
        errors.push(DUPLICATE(spec, f));
      } else if (claimed.has(k) && claimed.get(k) !== self) {
        errors.push(REPEATED(spec, f));
      }
    }
    if (spec.derive) {
      const { fields, errors: wrong } = spec.derive(data, now, current);
      errors.push(...wrong);
      Object.assign(data, fields);
      given.push(...Object.keys(fields).filter((f) => !given.includes(f)));
    }
    if (current) {
      const moved = spec.fixed.filter((f) => given.includes(f) && String(data[f]) !== String(current[f]));
      errors.push(...moved.map(FIXED));
    }
    if (errors.length === 0) {
      // (A field the record may not change is said once, not again by the rules it would break.)
      errors.push(...spec.check(data, refs.found, current));
    }
    const diff = current
      ? diffOf(
          current,
          data,
          given.filter((f) => !spec.fixed.includes(f)),
        )
      : [];
    if (
      errors.length === 0 &&
      current &&
      spec.checkUpdate?.fields.some((f) => diff.some((d) => d.field === f))
    ) {
      errors.push(...(await spec.checkUpdate.run(tx, data, current)));
    }
    if (errors.length > 0) {
      fail(errors, current ? String(current.id) : undefined);
      continue;
    }
    for (const f of spec.unique) {
      if (data[f] !== undefined && data[f] !== null) {
        claimed.set(`${f}:${scopeKey(spec, data, data[f])}`, self);
      }
    }
    if (!current) {
      refs.created(data, self);
      decided.push({ row, data, newId: self, outcome: { ...base, action: "create" } });
      continue;
    }
    decided.push({
      row,
      data,
      current,
      outcome: {
        ...base,
        action: diff.length === 0 ? "unchanged" : "update",
        id: String(current.id),
        version: Number(current.version),
        diff,
      },
    });
  }
  return decided;
}

/** Whether the preview's decision still holds: the same record at the same version (or still none). */
function stillAsPreviewed(d: Decided): boolean {
  const target = d.row.target;
  if (d.outcome.action === "create") {
    return target === undefined;
  }
  return target !== undefined && d.current?.id === target.id && d.current.version === target.expectedVersion;
}

/** The table's columns, by field: the name in the database of each. */
const dbNames = (table: PgTable) =>
  Object.fromEntries(Object.entries(getTableColumns(table)).map(([f, c]) => [f, c.name]));

/**
 * Updates a batch's records in one statement, each only if still at the version read (the others
 * are left out of the answer: they moved meanwhile). Each row is the record before with the patch
 * over it, turned into the table's row type by `jsonb_populate_record`: no per-entity SQL.
 */
export async function updateRecords(
  tx: Tx,
  spec: ImportableRecord,
  updates: readonly { before: Rec; patch: Rec }[],
  now: Date,
) {
  const after = new Map<string, Rec>();
  if (updates.length === 0) {
    return after;
  }
  const names = dbNames(spec.table);
  const json = JSON.stringify(
    updates.map(({ before, patch }) => {
      const row: Rec = { ...before, ...patch, version: before.version };
      return Object.fromEntries(Object.entries(row).map(([f, v]) => [names[f] ?? f, v ?? null]));
    }),
  );
  const set = Object.fromEntries(spec.updatable.map((f) => [f, sql.raw(`(x.r).${names[f]}`)])) as Record<
    string,
    SQL
  >;
  const { id, version } = spec.columns;
  const rows = (await tx
    .update(spec.table)
    .set({ ...set, version: sql`${version} + 1`, updatedAt: now } as never)
    .from(
      sql`jsonb_array_elements(${json}::jsonb) as e(v), lateral (select jsonb_populate_record(null::${spec.table}, e.v) as r) x`,
    )
    .where(and(eq(id, sql`(x.r).id`), eq(version, sql`(x.r).version`)))
    .returning()) as unknown as Rec[];
  for (const row of rows) {
    after.set(String(row.id), row);
  }
  return after;
}

/** A row's target is a record the preview found: one this tenant cannot see is NOT_FOUND for the call. */
async function targetsExist(tx: Tx, spec: ImportableRecord, rows: readonly Row[]) {
  const ids = [...new Set(rows.flatMap((r) => (r.target ? [r.target.id] : [])))];
  if (ids.length === 0) {
    return;
  }
  const found = await tx
    .select({ id: spec.columns.id })
    .from(spec.table)
    .where(inArray(spec.columns.id, ids));
  if (found.length !== ids.length) {
    throw notFound(spec.label, `master_data.${spec.key}.not_found`);
  }
}

const appliedBefore = (tx: Tx, input: BatchInput) => {
  const rowNos = input.rows.map((r) => r.rowNo);
  return tx
    .select()
    .from(importedRows)
    .where(
      and(
        eq(importedRows.importId, input.importId),
        // The batch's range reads its rows by the primary key (IN alone filters the import's every row).
        between(importedRows.rowNo, Math.min(...rowNos), Math.max(...rowNos)),
        inArray(importedRows.rowNo, rowNos),
      ),
    );
};

type EventInputs = Parameters<typeof emitMany>[2][number][];

/**
 * A batch of spreadsheet rows through the rules of the entity's `create` / `update`: its schema,
 * its references (written by code or id), its unique fields and its checks, set-based — one read of
 * the references, one of the matches, one INSERT, one UPDATE, the events and the applied rows
 * together, in one transaction. `dryRun` answers what each row would do; applying records each row
 * under (importId, rowNo): a row applied before is answered as it was, never again.
 */
export const importRecords = (
  spec: ImportableRecord,
  { ctx, input }: { ctx: MdContext; input: BatchInput },
) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const [done] = await Promise.all([
        input.dryRun ? [] : appliedBefore(tx, input),
        targetsExist(tx, spec, input.rows),
      ]);
      const already = new Map(
        done.map((r): [number, RowOutcome] => [
          r.rowNo,
          {
            rowNo: r.rowNo,
            action: r.action === "created" ? "create" : r.action === "updated" ? "update" : "unchanged",
            applied: true,
            id: r.recordId,
            version: r.versionAfter,
          },
        ]),
      );
      const decided = await decide(
        tx,
        spec,
        input,
        input.rows.filter((r) => !already.has(r.rowNo)),
        ctx.deps.now(),
      );
      if (!input.dryRun) {
        for (const d of decided) {
          if (d.outcome.action !== "error" && !stillAsPreviewed(d)) {
            d.outcome = { rowNo: d.row.rowNo, applied: false, action: "error", errors: [MOVED] };
          }
        }
        await apply(tx, spec, ctx, input.importId, decided);
      }
      const outcomes = new Map(decided.map((d) => [d.row.rowNo, d.outcome]));
      return input.rows.map((r) => already.get(r.rowNo) ?? outcomes.get(r.rowNo)) as RowOutcome[];
    },
    input.dryRun ? { readOnly: true } : {},
  );

async function apply(tx: Tx, spec: ImportableRecord, ctx: MdContext, importId: string, decided: Decided[]) {
  const now = ctx.deps.now();
  const creates = decided.filter((d) => d.outcome.action === "create");
  const updates = decided.filter((d) => d.outcome.action === "update" && d.current);
  const [inserted, updated] = await Promise.all([
    creates.length === 0
      ? []
      : insertJson(
          tx,
          spec.table,
          creates.map((d) => ({
            ...d.data,
            id: d.newId,
            tenantId: ctx.tenantId,
            createdAt: now,
            updatedAt: now,
          })),
          { onConflictDoNothing: true, returning: true },
        ),
    updateRecords(
      tx,
      spec,
      updates.map((d) => ({
        before: d.current as Rec,
        patch: Object.fromEntries((d.outcome.diff ?? []).map((f) => [f.field, f.to])),
      })),
      now,
    ),
  ]);
  const created = new Map(inserted.map((r) => [String(r.id), r]));
  const events: EventInputs = [];
  const applied: (typeof importedRows.$inferInsert)[] = [];
  const who = { tenantId: ctx.tenantId, actorId: ctx.principal.userId };
  const record = (d: Decided, id: string, action: "created" | "updated" | "unchanged", version: number) =>
    applied.push({
      tenantId: ctx.tenantId,
      importId,
      rowNo: d.row.rowNo,
      entity: spec.key,
      recordId: id,
      action,
      versionAfter: version,
      ...(action === "updated" ? { before: d.current } : {}),
    });
  const type = (kind: string) => `vextrus.master_data.${spec.event}.${kind}` as EventInputs[number]["type"];
  for (const d of decided) {
    if (d.outcome.action === "create") {
      const row = created.get(d.newId ?? "");
      if (!row) {
        d.outcome = { ...d.outcome, action: "error", errors: [DUPLICATE(spec, spec.keys[0] ?? "code")] };
        continue;
      }
      d.outcome = { ...d.outcome, applied: true, id: String(row.id), version: Number(row.version) };
      events.push({
        type: type("created"),
        subject: String(row.id),
        ...who,
        data: { id: row.id, after: row },
      } as EventInputs[number]);
      record(d, String(row.id), "created", Number(row.version));
    } else if (d.outcome.action === "update" && d.current) {
      const after = updated.get(String(d.current.id));
      if (!after) {
        d.outcome = { rowNo: d.row.rowNo, applied: false, action: "error", errors: [MOVED] };
        continue;
      }
      d.outcome = { ...d.outcome, applied: true, version: Number(after.version) };
      events.push({
        type: type("updated"),
        subject: String(after.id),
        ...who,
        data: { id: after.id, before: d.current, after },
      } as EventInputs[number]);
      record(d, String(after.id), "updated", Number(after.version));
    } else if (d.outcome.action === "unchanged" && d.current) {
      d.outcome = { ...d.outcome, applied: true };
      record(d, String(d.current.id), "unchanged", Number(d.current.version));
    }
  }
  await Promise.all([emitMany(tx, outbox, events), insertJson(tx, importedRows, applied)]);
  ctx.deps.metrics.recordsCreated.inc({ entity: spec.key }, created.size);
}
