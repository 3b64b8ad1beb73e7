import { bdMessage, issueCode } from "@vextrus/bd";
import { z } from "zod";
import { ExpectedVersion } from "../common.ts";

/** What every entity's spreadsheet import shares: columns from a schema, the batch input, outcomes. */

export const ImportColumn = z.object({
  name: z.string(),
  title: z.object({ en: z.string(), bn: z.string() }),
  required: z.boolean(),
  kind: z.enum(["text", "integer", "money", "choice", "list"]),
  options: z.array(z.string()).optional(),
  example: z.string(),
});
export type ImportColumn = z.infer<typeof ImportColumn>;

export interface JsonProperty {
  type?: string;
  enum?: string[];
  format?: string;
  items?: { enum?: string[] };
  anyOf?: { type?: string; const?: unknown }[];
  title?: string;
  titleBn?: string;
  example?: unknown;
}

/** The JSON Schema of a create schema (its input side): properties and required names. */
export function jsonSchemaOf(schema: z.ZodType) {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, JsonProperty>;
    required?: string[];
  };
}

/** The fixed values of a property: an enum, a list of enums, booleans or numeric literals. */
const optionsOf = (p: JsonProperty) =>
  p.enum ??
  p.items?.enum ??
  (p.type === "boolean" ? ["true", "false"] : undefined) ??
  (p.anyOf?.every((a) => a.const !== undefined) ? p.anyOf.map((a) => String(a.const)) : undefined);

/**
 * The spreadsheet columns of a create schema (`z.toJSONSchema` with the titles its fields carry):
 * the template, the preview and the apply read one schema, no second list to drift.
 */
export function columnsOf(schema: z.ZodType, skip: ReadonlySet<string> = new Set()): ImportColumn[] {
  const json = jsonSchemaOf(schema);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties)
    .filter(([name]) => !skip.has(name))
    .map(([name, p]): ImportColumn => {
      const options = optionsOf(p);
      const numeric = p.anyOf?.some((a) => a.type === "number");
      const kind =
        p.format === "money" || numeric
          ? "money"
          : p.type === "array"
            ? "list"
            : options
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
}

const isScalar = (v: unknown, max: number) =>
  (typeof v === "string" && v.length <= max) || (typeof v === "number" && Number.isFinite(v));
/**
 * A cell: text (≤ 2,000 characters), a number, or a list (≤ 50) of short ones. One plain check per
 * cell (a union of schemas cost as much as the entity's own schema for a 1,000-row batch); what a
 * value means is the entity schema's to say, per row.
 */
const Cell = z.custom<string | number | (string | number)[]>(
  (v) => isScalar(v, 2_000) || (Array.isArray(v) && v.length <= 50 && v.every((x) => isScalar(x, 500))),
  {
    message: "A cell is text, a number or a list of them",
    params: { messageBn: "ঘর হবে লেখা, সংখ্যা বা তাদের তালিকা" },
  },
);

/** A batch of spreadsheet rows for an entity matched by one of `keys`. */
export function importBatchInput<K extends string>(keys: readonly [K, ...K[]]) {
  return z
    .object({
      /** import-export's import id: with `rowNo`, what makes a re-sent row change nothing. */
      importId: z.uuid(),
      mode: z.enum(["create", "upsert"]),
      keyColumn: z.enum(keys).optional(),
      /** true: only say what each row would do (the preview); false: do it. */
      dryRun: z.boolean(),
      rows: z
        .array(
          z.object({
            rowNo: z.number().int().min(1).max(100_000_000),
            values: z.record(z.string().max(64), Cell),
            /** The record the preview matched, at the version it saw (an update is refused if it moved since). */
            target: z.object({ id: z.uuid(), expectedVersion: ExpectedVersion }).optional(),
          }),
        )
        .min(1)
        .max(1_000),
    })
    .refine((input) => input.mode === "create" || input.keyColumn !== undefined, {
      path: ["keyColumn"],
      message: "An upsert needs the key column that matches rows to records",
      params: { messageBn: "আপসার্টের জন্য সারি মেলানোর কী কলাম দিতে হবে" },
    });
}

export const RollbackImportInput = z.object({
  importId: z.uuid(),
  /** How many rows this call reverses at most; call again until `remaining` is 0. */
  limit: z.number().int().min(1).max(1_000).default(500),
  /** Rows after this one (the `lastRow` of the previous call): each call starts where the last ended. */
  afterRow: z.number().int().min(0).default(0),
});
export type RollbackImportInput = z.infer<typeof RollbackImportInput>;

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

export const rowError = (column: string, code: string, en: string, bn: string): RowError => ({
  column,
  code,
  en,
  bn,
});

/** A schema's issues as row errors, each naming its column (`columnOf` maps nested paths). */
export const issuesToErrors = (
  issues: readonly z.core.$ZodIssue[],
  columnOf: (path: readonly PropertyKey[]) => string = (path) => String(path[0] ?? "(row)"),
) =>
  issues.map((issue) =>
    rowError(columnOf(issue.path), issueCode(issue), bdMessage(issue, "en"), bdMessage(issue, "bn")),
  );

/** A value as compared: objects with their keys sorted (jsonb gives them back in its own order). */
export const comparable = (value: unknown) =>
  JSON.stringify(value ?? null, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** The fields a row gave whose value differs from the record's. */
export function diffOf(
  current: Record<string, unknown>,
  data: Record<string, unknown>,
  given: Iterable<string>,
) {
  const diff: { field: string; from: unknown; to: unknown }[] = [];
  for (const field of given) {
    if (!(field in data)) {
      continue;
    }
    const from = current[field];
    const to = data[field];
    if (comparable(from) !== comparable(to)) {
      diff.push({ field, from: from ?? null, to: to ?? null });
    }
  }
  return diff;
}

export const MOVED = rowError(
  "(row)",
  "import.target.moved",
  "The record changed or appeared after the preview; preview again",
  "প্রিভিউয়ের পর রেকর্ডটি পরিবর্তিত হয়েছে বা যুক্ত হয়েছে; আবার প্রিভিউ করুন",
);
