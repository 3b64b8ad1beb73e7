import type { Tx } from "@vextrus/platform/db";
import { inArray, or } from "drizzle-orm";
import { z } from "zod";
import { jsonSchemaOf, type RowError, rowError } from "./common.ts";
import type { ImportableRecord, Rec, Reference } from "./spec.ts";

export const isUuid = (value: string) => z.uuid().safeParse(value).success;
const YES = new Set(["true", "yes", "y", "1", "হ্যাঁ", "হা"]);
const NO = new Set(["false", "no", "n", "0", "না"]);

const kinds = new WeakMap<ImportableRecord, Map<string, "number" | "boolean">>();
/** The fields of the schema a cell must become a number or a boolean for (read from the schema). */
function typedFields(spec: ImportableRecord) {
  let found = kinds.get(spec);
  if (!found) {
    found = new Map();
    for (const [name, p] of Object.entries(jsonSchemaOf(spec.schema).properties)) {
      if (p.type === "number" || p.type === "integer" || p.anyOf?.some((a) => a.type === "number")) {
        found.set(name, "number");
      } else if (p.type === "boolean") {
        found.set(name, "boolean");
      }
    }
    kinds.set(spec, found);
  }
  return found;
}

/** Cells as the schema takes them: numbers for numeric fields, yes / no (or হ্যাঁ / না) for booleans. */
export function coerceCells(spec: ImportableRecord, values: Rec): Rec {
  const out: Rec = { ...values };
  for (const [field, kind] of typedFields(spec)) {
    const v = out[field];
    if (typeof v !== "string") {
      continue;
    }
    const t = v.trim().toLowerCase();
    if (kind === "number" && /^-?\d+(\.\d+)?$/.test(t)) {
      out[field] = Number(t);
    } else if (kind === "boolean" && (YES.has(t) || NO.has(t))) {
      out[field] = YES.has(t);
    }
  }
  return out;
}

const UNKNOWN = (ref: Reference, value: string) =>
  rowError(
    ref.field,
    "import.reference.unknown",
    `No ${ref.label.en.toLowerCase()} with the code or id "${value}"`,
    `"${value}" কোড বা আইডির কোনো ${ref.label.bn} নেই`,
  );
const ARCHIVED = (ref: Reference, value: string) =>
  rowError(
    ref.field,
    "import.reference.archived",
    `The ${ref.label.en.toLowerCase()} "${value}" is archived`,
    `${ref.label.bn} "${value}" আর্কাইভ করা হয়েছে`,
  );

const scopeOf = (ref: Reference, record: Rec) => (ref.scope ? String(record[ref.scope] ?? "") : "");

/**
 * The batch's references read at once (one query per referenced table: by id or by code), then
 * resolved row by row: `resolve` turns each reference cell into the record's id, `created` makes a
 * row's new record nameable by later rows (an account's parent above it), `found` gives the record
 * behind an id for the entity's checks.
 */
export async function prefetchReferences(tx: Tx, spec: ImportableRecord, rows: readonly Rec[]) {
  const byId = new Map<string, Rec>();
  const byCode = new Map<string, Rec>();
  await Promise.all(
    spec.references.map(async (ref) => {
      const values = [
        ...new Set(
          rows.flatMap((r) => (typeof r[ref.field] === "string" ? [String(r[ref.field]).trim()] : [])),
        ),
      ];
      const ids = values.filter(isUuid);
      const codes = values.filter((v) => !isUuid(v));
      const conditions = [
        ...(ids.length > 0 ? [inArray(ref.id, ids)] : []),
        ...(codes.length > 0 ? [inArray(ref.code, codes)] : []),
      ];
      if (conditions.length === 0) {
        return;
      }
      const found = (await tx
        .select()
        .from(ref.table)
        .where(or(...conditions))) as Rec[];
      for (const record of found) {
        byId.set(`${ref.field}:${record.id}`, record);
        byCode.set(`${ref.field}:${scopeOf(ref, record)}|${record[ref.codeField]}`, record);
      }
    }),
  );
  return {
    resolve(values: Rec): { values: Rec; errors: RowError[] } {
      const out: Rec = { ...values };
      const errors: RowError[] = [];
      for (const ref of spec.references) {
        const v = values[ref.field];
        if (typeof v !== "string") {
          continue;
        }
        const t = v.trim();
        const record = isUuid(t)
          ? byId.get(`${ref.field}:${t}`)
          : byCode.get(`${ref.field}:${scopeOf(ref, values)}|${t}`);
        if (!record) {
          errors.push(UNKNOWN(ref, t));
        } else if (record.archivedAt) {
          errors.push(ARCHIVED(ref, t));
        } else {
          out[ref.field] = record.id;
        }
      }
      return { values: out, errors };
    },
    created(data: Rec, id: string) {
      for (const ref of spec.references.filter((r) => r.self)) {
        const record = { ...data, id, archivedAt: null };
        byId.set(`${ref.field}:${id}`, record);
        byCode.set(`${ref.field}:${scopeOf(ref, data)}|${data[ref.codeField]}`, record);
      }
    },
    found: (field: string, id: unknown) => byId.get(`${field}:${id}`),
  };
}
