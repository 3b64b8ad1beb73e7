import { emitMany } from "@vextrus/events";
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { importedRows, outbox, parties } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { RollbackImportInput } from "../imports/common.ts";
import { markRolledBack } from "../imports/rollback.ts";
import { updateParties } from "./import-update.ts";
import type { Party } from "./verbs.ts";

export const RollbackPartiesImportInput = RollbackImportInput;
export type RollbackPartiesImportInput = RollbackImportInput;

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
  "addresses",
  "bankAccounts",
] as const;
const LISTS = new Set<string>(["roles", "mobiles", "addresses", "bankAccounts"]);

type EventInputs = Parameters<typeof emitMany>[2][number][];

/**
 * Reverses what an import did, a slice of rows per call, set-based: a created party is archived
 * (one statement), an updated one gets its fields from before back (one statement) — each only
 * while the party is still at the version the import left it at; a party changed since is left
 * alone and reported as `kept`. The events and the rows' rolled-back mark are written together.
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
      .where(
        and(
          eq(importedRows.importId, input.importId),
          gt(importedRows.rowNo, input.afterRow),
          sql`${importedRows.rolledBackAt} is null`,
        ),
      )
      .orderBy(importedRows.rowNo)
      .limit(input.limit)
      .for("update");
    const last = rows.at(-1)?.rowNo ?? input.afterRow;
    const changed = rows.filter((r) => r.action !== "unchanged");
    const ids = [...new Set(changed.map((r) => r.recordId))];
    const current =
      ids.length === 0 ? [] : await tx.select().from(parties).where(inArray(parties.id, ids)).for("update");
    const byId = new Map(current.map((p) => [p.id, p]));
    const kept: number[] = [];
    const archive: Party[] = [];
    const restore: { before: Party; patch: Record<string, unknown> }[] = [];
    for (const r of changed) {
      const party = byId.get(r.recordId);
      if (!party || party.version !== r.versionAfter) {
        kept.push(r.rowNo);
      } else if (r.action === "created") {
        archive.push(party);
      } else {
        const patch = Object.fromEntries(
          RESTORABLE.map((f) => [f, r.before?.[f] ?? (LISTS.has(f) ? [] : null)]),
        );
        restore.push({ before: party, patch });
      }
    }
    const now = ctx.deps.now();
    const [archived, restored] = await Promise.all([
      archive.length === 0
        ? []
        : tx
            .update(parties)
            .set({ status: "archived", version: sql`${parties.version} + 1`, updatedAt: now })
            .where(
              and(
                inArray(
                  parties.id,
                  archive.map((p) => p.id),
                ),
                sql`${parties.status} <> 'archived'`,
              ),
            )
            .returning(),
      updateParties(tx, restore, now),
    ]);
    const events: EventInputs = [];
    const who = { tenantId: ctx.tenantId, actorId: ctx.principal.userId };
    const beforeOf = new Map(current.map((p) => [p.id, p]));
    for (const after of archived) {
      events.push({
        type: "vextrus.master_data.party.archived",
        subject: after.id,
        ...who,
        data: { id: after.id, before: beforeOf.get(after.id), after },
      });
    }
    for (const after of restored.values()) {
      events.push({
        type: "vextrus.master_data.party.updated",
        subject: after.id,
        ...who,
        data: { id: after.id, before: beforeOf.get(after.id), after },
      });
    }
    const rowNos = rows.map((r) => r.rowNo);
    await Promise.all([emitMany(tx, outbox, events), markRolledBack(tx, input.importId, rowNos, now)]);
    const [left] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(importedRows)
      .where(
        and(
          eq(importedRows.importId, input.importId),
          gt(importedRows.rowNo, last),
          sql`${importedRows.rolledBackAt} is null`,
        ),
      );
    return { reverted: archived.length + restored.size, kept, remaining: left?.n ?? 0, lastRow: last };
  });
