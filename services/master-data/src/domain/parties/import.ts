import { bdMessage, issueCode } from "@vextrus/bd";
import { emitMany } from "@vextrus/events";
import { notFound } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { importedRows, outbox, parties } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { ExpectedVersion } from "../common.ts";
import { publishChanged } from "../events.ts";
import { CreatePartyInput } from "./schemas.ts";
import type { Party } from "./verbs.ts";

/** Columns a spreadsheet row may be matched to an existing party by. */
export const PARTY_IMPORT_KEYS = ["bin", "etin", "nid", "tradeLicenceNo"] as const;
export type PartyImportKey = (typeof PARTY_IMPORT_KEYS)[number];
/** Lists of objects have no place in one spreadsheet cell; they are edited in the app. */
const NESTED = new Set(["addresses", "bankAccounts"]);

export const ImportColumn = z.object({
  name: z.string(),
  title: z.object({ en: z.string(), bn: z.string() }),
  required: z.boolean(),
  kind: z.enum(["text", "integer", "money", "choice", "list"]),
  options: z.array(z.string()).optional(),
  example: z.string(),
});
export type ImportColumn = z.infer<typeof ImportColumn>;

interface JsonProperty {
  type?: string;
  enum?: string[];
  format?: string;
  items?: { enum?: string[] };
  title?: string;
  titleBn?: string;
  example?: unknown;
}

let spec: { entity: "party"; keys: readonly PartyImportKey[]; columns: ImportColumn[] } | undefined;

/**
 * The columns of a party spreadsheet, read from the very schema `parties.create` validates with
 * (`z.toJSONSchema` of CreatePartyInput with the titles its fields carry): no second list to drift.
 */
export function partyImportSpec() {
  if (spec) {
    return spec;
  }
  const schema = z.toJSONSchema(CreatePartyInput, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, JsonProperty>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  const columns = Object.entries(schema.properties)
    .filter(([name]) => !NESTED.has(name))
    .map(([name, p]): ImportColumn => {
      const options = p.enum ?? p.items?.enum;
      const kind =
        p.format === "money"
          ? "money"
          : p.type === "array"
            ? "list"
            : p.enum
              ? "choice"
              : p.type === "integer"
                ? "integer"
                : "text";
      return {
        name,
        title: { en: p.title ?? name, bn: p.titleBn ?? p.title ?? name },
        required: required.has(name),
        kind,
        ...(options ? { options } : {}),
        example: p.example === undefined ? "" : String(p.example),
      };
    });
  spec = { entity: "party", keys: PARTY_IMPORT_KEYS, columns };
  return spec;
}

const Cell = z.union([
  z.string().max(2_000),
  z.number(),
  z.array(z.union([z.string().max(500), z.number()])).max(50),
]);

export const ImportPartiesInput = z
  .object({
    /** import-export's import id: with `rowNo`, what makes a re-sent row change nothing. */
    importId: z.uuid(),
    mode: z.enum(["create", "upsert"]),
    keyColumn: z.enum(PARTY_IMPORT_KEYS).optional(),
    /** true: only say what each row would do (the preview); false: do it. */
    dryRun: z.boolean(),
    rows: z
      .array(
        z.object({
          rowNo: z.number().int().min(1).max(100_000_000),
          values: z.record(z.string().max(64), Cell),
          /** The party the preview matched, at the version it saw (an update is refused if it moved since). */
          target: z.object({ id: z.uuid(), expectedVersion: ExpectedVersion }).optional(),
        }),
      )
      .min(1)
      .max(1_000),
  })
  .refine((input) => input.mode === "create" || input.keyColumn !== undefined, {
    path: ["keyColumn"],
    message: "An upsert needs the key column that matches rows to parties",
    params: { messageBn: "আপসার্টের জন্য সারি মেলানোর কী কলাম দিতে হবে" },
  });
export type ImportPartiesInput = z.infer<typeof ImportPartiesInput>;

export interface RowError {
  column: string;
  code: string;
  en: string;
  bn: string;
}

export interface RowOutcome {
  rowNo: number;
  action: "create" | "update" | "unchanged" | "error";
  /** The row was applied (now or by an earlier call with the same import and row). */
  applied: boolean;
  id?: string;
  version?: number;
  diff?: { field: string; from: unknown; to: unknown }[];
  errors?: RowError[];
}

type Row = ImportPartiesInput["rows"][number];
type Parsed = z.output<typeof CreatePartyInput>;

const rowError = (column: string, code: string, en: string, bn: string): RowError => ({
  column,
  code,
  en,
  bn,
});

function validate(row: Row): { ok: true; data: Parsed } | { ok: false; errors: RowError[] } {
  const parsed = CreatePartyInput.safeParse(row.values);
  if (parsed.success) {
    return { ok: true, data: parsed.data };
  }
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) =>
      rowError(
        String(issue.path[0] ?? "(row)"),
        issueCode(issue),
        bdMessage(issue, "en"),
        bdMessage(issue, "bn"),
      ),
    ),
  };
}

const comparable = (value: unknown) => JSON.stringify(value ?? null);

/** The fields the row gave whose value differs from the party's. */
function diffOf(current: Party, data: Parsed, given: Row["values"]) {
  const diff: { field: string; from: unknown; to: unknown }[] = [];
  for (const field of Object.keys(given)) {
    if (!(field in data)) {
      continue;
    }
    const from = current[field as keyof Party];
    const to = data[field as keyof Parsed];
    if (comparable(from) !== comparable(to)) {
      diff.push({ field, from: from ?? null, to: to ?? null });
    }
  }
  return diff;
}

const keyValue = (data: Parsed, key: PartyImportKey | undefined) =>
  key ? (data[key] as string | undefined) : undefined;

async function existingByKey(tx: Tx, key: PartyImportKey | undefined, values: string[]) {
  const found = new Map<string, Party[]>();
  if (!key || values.length === 0) {
    return found;
  }
  const rows = await tx.select().from(parties).where(inArray(parties[key], values));
  for (const row of rows) {
    const value = row[key];
    if (value) {
      found.set(value, [...(found.get(value) ?? []), row]);
    }
  }
  return found;
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

/** What each row would do against the parties as they are now (no writes). */
async function decide(tx: Tx, input: ImportPartiesInput, rows: readonly Row[]): Promise<Decided[]> {
  const checked = rows.map((row) => ({ row, result: validate(row) }));
  const key = input.keyColumn;
  const keys = checked.flatMap(({ result }) => {
    const value = result.ok ? keyValue(result.data, key) : undefined;
    return value ? [value] : [];
  });
  const existing = await existingByKey(tx, key, [...new Set(keys)]);
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
    const diff = diffOf(current, result.data, row.values);
    return {
      row,
      data: result.data,
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

const isUniqueViolation = (error: unknown) =>
  [error, (error as { cause?: unknown } | null)?.cause].some(
    (e) => typeof e === "object" && e !== null && (e as { code?: string }).code === "23505",
  );

/** Runs `write` inside a savepoint: a failed statement undoes only itself, not the batch's transaction. */
async function inSavepoint<T>(tx: Tx, write: () => Promise<T>): Promise<T> {
  await tx.execute(sql`savepoint import_row`);
  try {
    const result = await write();
    await tx.execute(sql`release savepoint import_row`);
    return result;
  } catch (error) {
    await tx.execute(sql`rollback to savepoint import_row`);
    throw error;
  }
}

/** Inserts the new parties in one statement; when one collides (a unique BIN), row by row instead. */
async function insertParties(tx: Tx, ctx: MdContext, creates: Decided[]): Promise<Map<number, Party>> {
  const now = ctx.deps.now();
  const valuesOf = (d: Decided) => ({
    ...(d.data as Parsed),
    tenantId: ctx.tenantId,
    createdAt: now,
    updatedAt: now,
  });
  const out = new Map<number, Party>();
  if (creates.length === 0) {
    return out;
  }
  try {
    const rows = await inSavepoint(tx, () => tx.insert(parties).values(creates.map(valuesOf)).returning());
    creates.forEach((d, i) => {
      const row = rows[i];
      if (row) {
        out.set(d.row.rowNo, row);
      }
    });
    return out;
  } catch (error) {
    if (!isUniqueViolation(error)) {
      throw error;
    }
  }
  for (const d of creates) {
    try {
      const [row] = await inSavepoint(tx, () => tx.insert(parties).values(valuesOf(d)).returning());
      if (row) {
        out.set(d.row.rowNo, row);
      }
    } catch (error) {
      if (!isUniqueViolation(error)) {
        throw error;
      }
      d.outcome = { ...d.outcome, action: "error", errors: [DUPLICATE_KEY("bin/etin")] };
    }
  }
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
      const done = input.dryRun
        ? []
        : await tx
            .select()
            .from(importedRows)
            .where(and(eq(importedRows.importId, input.importId), inArray(importedRows.rowNo, rowNos)));
      const already = new Map(done.map((r) => [r.rowNo, outcomeOfApplied(r)]));
      await targetsExist(tx, input.rows);
      const decided = await decide(
        tx,
        input,
        input.rows.filter((r) => !already.has(r.rowNo)),
      );
      if (input.dryRun) {
        return decided.map((d) => d.outcome);
      }
      for (const d of decided) {
        if (d.outcome.action !== "error" && !stillAsPreviewed(d)) {
          d.outcome = { ...d.outcome, action: "error", errors: [MOVED] };
        }
      }
      const created = await insertParties(
        tx,
        ctx,
        decided.filter((d) => d.outcome.action === "create"),
      );
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
          const patch = Object.fromEntries((d.outcome.diff ?? []).map((f) => [f.field, f.to]));
          const [after] = await tx
            .update(parties)
            .set({ ...patch, version: sql`${parties.version} + 1`, updatedAt: ctx.deps.now() })
            .where(and(eq(parties.id, before.id), eq(parties.version, before.version)))
            .returning();
          if (!after) {
            d.outcome = { ...d.outcome, action: "error", errors: [MOVED] };
            continue;
          }
          await publishChanged(tx, ctx, "vextrus.master_data.party.updated", { before, after });
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
      await emitMany(tx, outbox, events);
      if (applied.length > 0) {
        await tx.insert(importedRows).values(applied);
      }
      ctx.deps.metrics.recordsCreated.inc({ entity: "party" }, created.size);
      const outcomes = new Map(decided.map((d) => [d.row.rowNo, d.outcome]));
      return rowNos.map((rowNo) => already.get(rowNo) ?? outcomes.get(rowNo)) as RowOutcome[];
    },
    input.dryRun ? { readOnly: true } : {},
  );

export const RollbackPartiesImportInput = z.object({
  importId: z.uuid(),
  /** How many rows this call reverses at most; call again until `remaining` is 0. */
  limit: z.number().int().min(1).max(1_000).default(500),
});
export type RollbackPartiesImportInput = z.infer<typeof RollbackPartiesImportInput>;

/** Fields an update may have changed, restored from the row before. */
const RESTORABLE = [
  "kind",
  "name",
  "nameBn",
  "roles",
  "tradeLicenceNo",
  "bin",
  "etin",
  "nid",
  "mobiles",
  "email",
  "vdsCategory",
  "tdsCategory",
  "creditLimit",
  "paymentTermsDays",
] as const;

/**
 * Reverses what an import did, a slice of rows per call: a created party is archived, an updated one
 * gets its fields from before back — each only while the party is still at the version the import
 * left it at; a party changed since is left alone and reported as `kept`.
 */
export const rollbackPartiesImport = ({
  ctx,
  input,
}: {
  ctx: MdContext;
  input: RollbackPartiesImportInput;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const rows = await tx
      .select()
      .from(importedRows)
      .where(and(eq(importedRows.importId, input.importId), sql`${importedRows.rolledBackAt} is null`))
      .orderBy(importedRows.rowNo)
      .limit(input.limit)
      .for("update");
    const kept: number[] = [];
    let reverted = 0;
    const now = ctx.deps.now();
    for (const r of rows) {
      if (r.action !== "unchanged") {
        const [before] = await tx.select().from(parties).where(eq(parties.id, r.recordId)).for("update");
        if (!before || before.version !== r.versionAfter) {
          kept.push(r.rowNo);
        } else {
          const patch =
            r.action === "created"
              ? { status: "archived" as const }
              : Object.fromEntries(RESTORABLE.map((f) => [f, r.before?.[f] ?? null]));
          const [after] = await tx
            .update(parties)
            .set({ ...patch, version: sql`${parties.version} + 1`, updatedAt: now })
            .where(eq(parties.id, r.recordId))
            .returning();
          if (after) {
            const type =
              r.action === "created"
                ? "vextrus.master_data.party.archived"
                : "vextrus.master_data.party.updated";
            await publishChanged(tx, ctx, type, { before, after });
            reverted++;
          }
        }
      }
      await tx
        .update(importedRows)
        .set({ rolledBackAt: now })
        .where(and(eq(importedRows.importId, r.importId), eq(importedRows.rowNo, r.rowNo)));
    }
    const [left] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(importedRows)
      .where(and(eq(importedRows.importId, input.importId), sql`${importedRows.rolledBackAt} is null`));
    return { reverted, kept, remaining: left?.n ?? 0 };
  });
