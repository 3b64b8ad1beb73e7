import { emitMany } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { and, between, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { importedRows, outbox } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import type { RollbackImportInput } from "./common.ts";
import { updateRecords } from "./records.ts";
import type { ImportableRecord, Rec } from "./spec.ts";

type EventInputs = Parameters<typeof emitMany>[2][number][];

/**
 * Reverses what an import did to an entity's records, a slice of rows per call, set-based: a created
 * record is archived (one statement), an updated one gets its fields from before back (one
 * statement) — each only while still at the version the import left it at; one changed since is
 * left alone and reported as `kept`. The events and the rows' rolled-back mark are written together.
 */
/** Marks a batch's imported rows rolled back (a row-number range narrows the scan to the batch). */
export function markRolledBack(tx: Tx, importId: string, rowNos: readonly number[], now: Date) {
  if (rowNos.length === 0) {
    return undefined;
  }
  return tx
    .update(importedRows)
    .set({ rolledBackAt: now })
    .where(
      and(
        eq(importedRows.importId, importId),
        between(importedRows.rowNo, Math.min(...rowNos), Math.max(...rowNos)),
        inArray(importedRows.rowNo, [...rowNos]),
      ),
    );
}

export const rollbackRecordsImport = (
  spec: ImportableRecord,
  { ctx, input }: { ctx: MdContext; input: RollbackImportInput },
) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const pending = and(
      eq(importedRows.importId, input.importId),
      eq(importedRows.entity, spec.key),
      sql`${importedRows.rolledBackAt} is null`,
    );
    const rows = await tx
      .select()
      .from(importedRows)
      .where(and(pending, gt(importedRows.rowNo, input.afterRow)))
      .orderBy(importedRows.rowNo)
      .limit(input.limit)
      .for("update");
    const last = rows.at(-1)?.rowNo ?? input.afterRow;
    const changed = rows.filter((r) => r.action !== "unchanged");
    const ids = [...new Set(changed.map((r) => r.recordId))];
    const { id, version, archivedAt } = spec.columns;
    const current =
      ids.length === 0
        ? []
        : ((await tx.select().from(spec.table).where(inArray(id, ids)).for("update")) as Rec[]);
    const byId = new Map(current.map((r) => [String(r.id), r]));
    const kept: number[] = [];
    const archive: string[] = [];
    const restore: { before: Rec; patch: Rec }[] = [];
    for (const r of changed) {
      const record = byId.get(r.recordId);
      if (!record || record.version !== r.versionAfter) {
        kept.push(r.rowNo);
      } else if (r.action === "created") {
        archive.push(r.recordId);
      } else {
        const patch = Object.fromEntries(spec.updatable.map((f) => [f, r.before?.[f] ?? null]));
        restore.push({ before: record, patch });
      }
    }
    const now = ctx.deps.now();
    const [archived, restored] = await Promise.all([
      archive.length === 0
        ? []
        : (tx
            .update(spec.table)
            .set({ archivedAt: now, version: sql`${version} + 1`, updatedAt: now } as never)
            .where(and(inArray(id, archive), isNull(archivedAt)))
            .returning() as unknown as Promise<Rec[]>),
      updateRecords(tx, spec, restore, now),
    ]);
    const events: EventInputs = [];
    const who = { tenantId: ctx.tenantId, actorId: ctx.principal.userId };
    const type = (kind: string) => `vextrus.master_data.${spec.event}.${kind}` as EventInputs[number]["type"];
    for (const [kind, list] of [
      ["archived", archived],
      ["updated", [...restored.values()]],
    ] as const) {
      for (const after of list) {
        const subject = String(after.id);
        events.push({
          type: type(kind),
          subject,
          ...who,
          data: { id: subject, before: byId.get(subject), after },
        } as EventInputs[number]);
      }
    }
    const rowNos = rows.map((r) => r.rowNo);
    await Promise.all([emitMany(tx, outbox, events), markRolledBack(tx, input.importId, rowNos, now)]);
    const [left] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(importedRows)
      .where(and(pending, gt(importedRows.rowNo, last)));
    return { reverted: archived.length + restored.size, kept, remaining: left?.n ?? 0, lastRow: last };
  });
