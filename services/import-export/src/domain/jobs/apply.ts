import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { importRows, imports } from "../../db/schema.ts";
import type { ImportRow } from "../common.ts";
import { ENTITIES, type EntityName } from "../entities.ts";
import { publish } from "../events.ts";
import type { Job } from "./job.ts";
import { outcomesSql } from "./stage.ts";

/**
 * Applies a previewed import in batches, from the row after `cursor`: each batch goes to the owning
 * service (which applies each row once per import and row number, however often it is sent), then
 * the rows' outcomes and the cursor move in one transaction. A replica killed between the two sends
 * the batch again on restart and gets the same answers: no row is applied twice.
 */
export async function apply(job: Job, row: ImportRow) {
  const { deps } = job;
  const entity = ENTITIES[row.entity as EntityName];
  let { cursor, done, failed } = row;
  const resumedAt = deps.now().getTime();
  const doneBefore = done;
  for (;;) {
    const batch = await job.tx((tx) =>
      tx
        .select()
        .from(importRows)
        .where(and(eq(importRows.importId, row.id), gt(importRows.rowNo, cursor)))
        .orderBy(asc(importRows.rowNo))
        .limit(deps.settings.batchRows),
    );
    const last = batch.at(-1);
    if (!last) {
      break;
    }
    const sendable = batch.filter((r) => r.action !== "error" && r.action !== null);
    const refused = batch.filter((r) => r.action === "error" || r.action === null).map((r) => r.rowNo);
    const outcomes =
      sendable.length === 0
        ? []
        : await deps.masterData.batch(
            entity,
            {
              importId: row.id,
              mode: row.mode,
              keyColumn: row.keyColumn ?? undefined,
              dryRun: false,
              rows: sendable.map((r) => ({
                rowNo: r.rowNo,
                values: r.values,
                target:
                  r.targetId && r.targetVersion
                    ? { id: r.targetId, expectedVersion: r.targetVersion }
                    : undefined,
              })),
            },
            await job.call(),
          );
    const failedNow = refused.length + outcomes.filter((o) => !o.applied).length;
    cursor = last.rowNo;
    done += batch.length;
    failed += failedNow;
    const seconds = Math.max(0.001, (deps.now().getTime() - resumedAt) / 1000);
    await job.tx(async (tx) => {
      if (outcomes.length > 0) {
        await tx.execute(outcomesSql(row.id, outcomes, true));
      }
      if (refused.length > 0) {
        await tx
          .update(importRows)
          .set({ outcome: "failed" })
          .where(and(eq(importRows.importId, row.id), inArray(importRows.rowNo, refused)));
      }
      await tx
        .update(imports)
        .set({ cursor, done, failed, rowsPerSecond: (done - doneBefore) / seconds, updatedAt: deps.now() })
        .where(eq(imports.id, row.id));
    });
    deps.metrics.rowsApplied.inc({ outcome: "applied" }, batch.length - failedNow);
    deps.metrics.rowsApplied.inc({ outcome: "failed" }, failedNow);
    await job.renew();
  }
  await job.tx(async (tx) => {
    await tx
      .update(imports)
      .set({
        status: "applied",
        leaseOwner: null,
        leaseUntil: null,
        version: sql`${imports.version} + 1`,
        updatedAt: deps.now(),
      })
      .where(eq(imports.id, row.id));
    await publish(
      tx,
      { tenantId: row.tenantId, actorId: row.createdBy },
      "vextrus.import_export.job.completed",
      row.id,
      {
        id: row.id,
        kind: "import",
        entity: row.entity,
        phase: "apply",
        rows: done - failed,
        rejected: failed,
      },
    );
  });
  deps.metrics.jobsFinished.inc({ kind: "import_apply", outcome: "done" });
}

/** Reverses an applied import through the owning service, a batch per call, until nothing is left. */
export async function rollback(job: Job, row: ImportRow) {
  const { deps } = job;
  const entity = ENTITIES[row.entity as EntityName];
  let kept = row.failed;
  for (;;) {
    const result = await deps.masterData.rollback(
      entity,
      { importId: row.id, limit: deps.settings.batchRows },
      await job.call(),
    );
    kept += result.kept.length;
    await job.progress({ done: Math.max(0, row.phaseTotal - result.remaining), failed: kept });
    await job.renew();
    if (result.remaining === 0) {
      break;
    }
  }
  await job.tx(async (tx) => {
    await tx
      .update(imports)
      .set({
        status: "rolled_back",
        leaseOwner: null,
        leaseUntil: null,
        version: sql`${imports.version} + 1`,
        updatedAt: deps.now(),
      })
      .where(eq(imports.id, row.id));
    await publish(
      tx,
      { tenantId: row.tenantId, actorId: row.createdBy },
      "vextrus.import_export.job.completed",
      row.id,
      {
        id: row.id,
        kind: "import",
        entity: row.entity,
        phase: "rollback",
        rows: row.phaseTotal - kept,
        rejected: kept,
      },
    );
  });
  deps.metrics.jobsFinished.inc({ kind: "import_rollback", outcome: "done" });
}
